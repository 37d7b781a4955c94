/// Minimum-cost assignment (the linear sum assignment problem).
///
/// The solver is Jonker–Volgenant's: a cheap start (column reduction, reduction transfer and
/// augmenting row reduction, which pair most rows on random input), then for every row still
/// free a Dijkstra search over reduced costs for the shortest augmenting path (the Hungarian
/// method with potentials), O(n³) in all. With more rows than columns it solves the transpose.
public enum Assignment {
    /// Assigns each row to a distinct column minimising the total cost.
    ///
    /// Ties between equally cheap choices go to a free column first and then to the lowest
    /// index, so the same input always gives the same assignment.
    /// - Parameters:
    ///   - costs: row-major, `rows × columns`, finite values (callers encode forbidden pairs as
    ///     a large finite penalty). `min(rows, columns)` pairs are made.
    ///   - rows: the number of rows.
    ///   - columns: the number of columns.
    /// - Returns: for each row its column, or nil when `rows > columns` and the row is left out;
    ///   and the total cost of the pairs made.
    public static func solve(costs: [Double], rows: Int, columns: Int) -> (columnForRow: [Int?], total: Double) {
        precondition(rows >= 0 && columns >= 0, "Assignment: negative dimensions")
        precondition(costs.count == rows * columns, "Assignment: costs.count must be rows × columns")
        precondition(costs.allSatisfy { $0.isFinite }, "Assignment: costs must be finite")
        var columnForRow = [Int?](repeating: nil, count: rows)
        guard rows > 0, columns > 0 else { return (columnForRow, 0) }
        if rows <= columns {
            let found = costs.withUnsafeBufferPointer { assign($0.baseAddress!, n: rows, m: columns) }
            for row in 0..<rows { columnForRow[row] = found[row] }
        } else {
            let transposed = [Double](unsafeUninitializedCapacity: costs.count) { t, count in
                for row in 0..<rows {
                    for column in 0..<columns { t[column * rows + row] = costs[row * columns + column] }
                }
                count = costs.count
            }
            let found = transposed.withUnsafeBufferPointer { assign($0.baseAddress!, n: columns, m: rows) }
            for column in 0..<columns { columnForRow[found[column]] = column }
        }
        var total = 0.0
        for row in 0..<rows {
            if let column = columnForRow[row] { total += costs[row * columns + column] }
        }
        return (columnForRow, total)
    }

    /// The column for each row of an `n × m` problem with `0 < n <= m`.
    private static func assign(_ costs: UnsafePointer<Double>, n: Int, m: Int) -> [Int] {
        var ints = [Int](repeating: -1, count: 2 * n + 3 * m)
        var doubles = [Double](repeating: 0, count: n + 2 * m)
        ints.withUnsafeMutableBufferPointer { ints in
            doubles.withUnsafeMutableBufferPointer { doubles in
                let col4row = ints.baseAddress!
                let row4col = col4row + n
                let s = Solver(
                    c: costs, n: n, m: m, col4row: col4row, row4col: row4col, path: row4col + m,
                    remaining: row4col + 2 * m, free: row4col + 3 * m, u: doubles.baseAddress!,
                    v: doubles.baseAddress! + n, dist: doubles.baseAddress! + n + m)
                if n < m { for i in 0..<n { s.free[i] = i } }  // v stays 0 for a rectangular start
                let free = s.reduceRows(freeCount: n == m ? s.reduceColumns() : n)
                for i in 0..<n where col4row[i] >= 0 { s.u[i] = s.c[i * m + col4row[i]] - s.v[col4row[i]] }
                for k in 0..<free { s.addRow(s.free[k]) }
            }
        }
        return Array(ints[0..<n])
    }

    /// The solver's state as raw pointers into the buffers of `assign`.
    ///
    /// Invariants between steps: the potentials `u` (rows) and `v` (columns) keep every reduced
    /// cost `c[i][j] - u[i] - v[j]` of an assigned row non-negative and zero on its own pair; when
    /// `n < m`, free columns keep `v == 0` and the others `v <= 0`, which makes the final
    /// assignment optimal for the rectangular problem too.
    private struct Solver {
        let c: UnsafePointer<Double>
        let n: Int, m: Int
        let col4row: UnsafeMutablePointer<Int>, row4col: UnsafeMutablePointer<Int>
        let path: UnsafeMutablePointer<Int>, remaining: UnsafeMutablePointer<Int>, free: UnsafeMutablePointer<Int>
        let u: UnsafeMutablePointer<Double>, v: UnsafeMutablePointer<Double>, dist: UnsafeMutablePointer<Double>

        /// Square problems only: `v[j]` becomes column `j`'s minimum, each column goes to its
        /// minimum's row if that row is still free, and each assigned row moves its slack onto
        /// its column. Lists the rows left free and returns how many.
        func reduceColumns() -> Int {
            for j in 0..<m { (v[j], path[j]) = (c[j], 0) }
            for i in 1..<n {
                let row = c + i * m
                for j in 0..<m where row[j] < v[j] { (v[j], path[j]) = (row[j], i) }
            }
            for j in 0..<m where col4row[path[j]] < 0 { (col4row[path[j]], row4col[j]) = (j, path[j]) }
            var count = 0
            for i in 0..<n {
                let own = col4row[i]
                guard own >= 0 else {
                    free[count] = i
                    count += 1
                    continue
                }
                let row = c + i * m
                var least = Double.infinity
                for j in 0..<m where j != own { least = min(least, row[j] - v[j]) }
                if m > 1 { v[own] -= least }
            }
            return count
        }

        /// Augmenting row reduction: each free row takes the column of its least reduced cost,
        /// lowering that column's `v` to the gap to its second least, and bumps the previous
        /// holder, which bids again. Two passes, capped at 3n bids in all; returns the free count.
        func reduceRows(freeCount: Int) -> Int {
            var count = freeCount
            var budget = 3 * n
            for _ in 0..<2 {
                let previous = count
                var k = 0
                count = 0
                while k < previous {
                    let i = free[k]
                    k += 1
                    budget -= 1
                    guard budget >= 0 else {
                        free[count] = i
                        count += 1
                        continue
                    }
                    let row = c + i * m
                    var least = row[0] - v[0], second = Double.infinity
                    var j1 = 0, j2 = -1
                    for j in 1..<m {
                        let h = row[j] - v[j]
                        if h < second {
                            if h >= least {
                                (second, j2) = (h, j)
                            } else {
                                (second, j2, least, j1) = (least, j1, h, j)
                            }
                        } else if h == least, row4col[j] < 0, row4col[j2] >= 0 {
                            j2 = j  // a free column tied at the least
                        }
                    }
                    var holder = row4col[j1]
                    let strict = least < second
                    if strict {
                        v[j1] -= second - least
                    } else if holder >= 0, j2 >= 0 {
                        j1 = j2
                        holder = row4col[j2]
                    }
                    col4row[i] = j1
                    row4col[j1] = i
                    guard holder >= 0 else { continue }
                    col4row[holder] = -1
                    if strict {
                        k -= 1
                        free[k] = holder
                    } else {
                        free[count] = holder
                        count += 1
                    }
                }
            }
            return count
        }

        /// Assigns the free row `start` along a shortest augmenting path (Dijkstra over the
        /// columns, `dist[j]` the reduced length to column `j` reached from row `path[j]`), then
        /// updates the potentials so the path is tight and flips the assignment along it.
        func addRow(_ start: Int) {
            for j in 0..<m { (remaining[j], dist[j]) = (j, .infinity) }
            var left = m  // columns not yet settled are remaining[0..<left]; settled ones follow
            var minVal = 0.0
            var i = start
            var sink = -1
            while sink < 0 {
                let row = c + i * m
                let base = minVal - u[i]
                var lowest = Double.infinity
                var index = 0
                var best = remaining[0]
                for t in 0..<left {
                    let j = remaining[t]
                    var d = dist[j]
                    let r = base + row[j] - v[j]
                    if r < d {
                        d = r
                        dist[j] = r
                        path[j] = i
                    }
                    if d < lowest || (d == lowest && preferred(j, over: best)) {
                        lowest = d
                        index = t
                        best = j
                    }
                }
                minVal = lowest
                if row4col[best] < 0 { sink = best } else { i = row4col[best] }
                left -= 1
                remaining[index] = remaining[left]
                remaining[left] = best
            }
            u[start] += minVal
            for t in left..<m {
                let j = remaining[t]
                let shift = minVal - dist[j]
                v[j] -= shift
                if j != sink { u[row4col[j]] += shift }
            }
            var j = sink
            while true {
                let i = path[j]
                row4col[j] = i
                (col4row[i], j) = (j, col4row[i])
                if i == start { break }
            }
        }

        /// Among equal path lengths: a free column before an assigned one, then the lower index.
        @inline(__always) func preferred(_ j: Int, over best: Int) -> Bool {
            let free = row4col[j] < 0
            return free != (row4col[best] < 0) ? free : j < best
        }
    }
}
