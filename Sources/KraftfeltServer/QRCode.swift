import CQRencode
import Foundation

/// QR codes from libqrencode, drawn as SVG: one path of dark modules with a quiet zone of
/// four modules, so a phone's camera reads it from across a room.
enum QRCode {
    /// An SVG of `text`'s QR code (error correction M), or nil when the library refuses
    /// it (more than a QR code holds).
    static func svg(_ text: String, label: String) -> String? {
        guard text.utf8.count <= 1000, let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else {
            return nil
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        let modules = UnsafeBufferPointer(start: code.pointee.data, count: width * width)
        var path = ""
        for y in 0..<width {
            var x = 0
            while x < width {
                guard modules[y * width + x] & 1 == 1 else {
                    x += 1
                    continue
                }
                let start = x
                while x < width && modules[y * width + x] & 1 == 1 { x += 1 }
                path += "M\(start + 4) \(y + 4)h\(x - start)v1h-\(x - start)z"
            }
        }
        let size = width + 8
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(size) \(size)" role="img" \
            aria-label="\(HTML.escape(label))" shape-rendering="crispEdges">\
            <rect width="\(size)" height="\(size)" fill="#fff"/><path d="\(path)" fill="#000"/></svg>
            """
    }
}
