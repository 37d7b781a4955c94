import Foundation
import KraftfeltEngine

/// Minimum-cost assignment on dense random n × n matrices, against
/// `scipy.optimize.linear_sum_assignment` on the same matrix in the same run.
///
/// Each matrix goes to `scipy_assignment.py` through a temporary file; both sides report
/// their best of three and their optimal total, which must agree.
func matchingRows() throws -> [Row] {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../scipy_assignment.py").standardizedFileURL
    var rows: [Row] = []
    for n in [200, 500, 1000] {
        var generator = SeededGenerator(seed: 0x6B72_6166_7466_656C &+ UInt64(n))
        let costs = (0..<n * n).map { _ in Double.random(in: 0..<1000, using: &generator) }
        guard let (scipySeconds, scipyTotal) = try scipyAssignment(costs, rows: n, columns: n, script: script) else {
            return rows + [
                Row(name: "assignment", value: "–", baseline: "scipy unavailable", ratio: nil, target: "–")
            ]
        }
        var total = 0.0
        let seconds = best(of: 3) { total = Assignment.solve(costs: costs, rows: n, columns: n).total }
        let agree = abs(total - scipyTotal) <= 1e-6 * max(1, abs(scipyTotal))
        let ratio = seconds / scipySeconds
        var value = String(format: "%.1f ms", seconds * 1e3)
        if !agree { value += String(format: ", total %.6f ≠ scipy %.6f", total, scipyTotal) }
        let isTarget = n == 1000
        rows.append(
            Row(
                name: "assignment n=\(n)", value: value, baseline: String(format: "scipy %.1f ms", scipySeconds * 1e3),
                ratio: ratio, target: isTarget ? "≤ 1.5×" : "report",
                met: isTarget ? ratio <= 1.5 && agree : (agree ? nil : false)))
    }
    return rows
}

/// Runs the scipy script on `costs`; its best time in seconds and its total, or nil when
/// python3 or scipy is missing.
private func scipyAssignment(_ costs: [Double], rows: Int, columns: Int, script: URL) throws -> (Double, Double)? {
    var data = Data()
    for header in [Int64(rows), Int64(columns)] {
        withUnsafeBytes(of: header.littleEndian) { data.append(contentsOf: $0) }
    }
    for cost in costs { withUnsafeBytes(of: cost.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
        "kraftfelt-assignment-\(ProcessInfo.processInfo.processIdentifier)-\(rows)x\(columns).bin")
    try data.write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }

    let python = Process()
    python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    python.arguments = ["python3", script.path, file.path]
    let pipe = Pipe()
    python.standardOutput = pipe
    python.standardError = FileHandle.nullDevice
    guard (try? python.run()) != nil else { return nil }
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    python.waitUntilExit()
    let fields = text.split(whereSeparator: \.isWhitespace)
    guard fields.count == 2, let seconds = Double(fields[0]), let total = Double(fields[1]) else { return nil }
    return (seconds, total)
}
