/// Small pieces of HTML: escaped text and tables.
enum HTML {
    /// Text safe in an element or a quoted attribute: `&`, `<`, `>`, `"` and `'` as entities.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A table with a caption, a header row and rows of cells already escaped.
    static func table(caption: String?, header: [String], rows: [[String]], numericFrom: Int = 1) -> String {
        var out = "<div class=\"table\"><table>"
        if let caption { out += "<caption>\(escape(caption))</caption>" }
        out += "<thead><tr>" + header.map { "<th scope=\"col\">\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows {
            out += "<tr>"
            for (index, cell) in row.enumerated() {
                if index == 0 {
                    out += "<th scope=\"row\">\(cell)</th>"
                } else {
                    out += index >= numericFrom ? "<td class=\"n\">\(cell)</td>" : "<td>\(cell)</td>"
                }
            }
            out += "</tr>"
        }
        return out + "</tbody></table></div>"
    }

    /// An SVG with a title and a description for screen readers, scaled to its container.
    static func svg(id: String, width: Int, height: Int, title: String, description: String, body: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" "
            + "aria-labelledby=\"\(id)-title \(id)-desc\"><title id=\"\(id)-title\">\(escape(title))</title>"
            + "<desc id=\"\(id)-desc\">\(escape(description))</desc>\(body)</svg>"
    }

    /// A coordinate with at most two decimals.
    static func coordinate(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
