import CKraftfeltLua

/// Encodes Swift values into the VM's buffer; C code pushes them inside a protected call,
/// so an allocation failure can never unwind Swift frames.
struct LuaValueWriter {
    let buffer: UnsafeMutablePointer<kf_buffer>
    let owner: UInt64

    func reset() { kf_buffer_reset(buffer) }

    private func put<T>(_ value: T) throws(LuaValueError) {
        var value = value
        let ok = withUnsafeBytes(of: &value) { kf_buffer_put(buffer, $0.baseAddress, $0.count) }
        guard ok != 0 else { throw LuaValueError(message: "host value too large") }
    }

    func write(_ value: LuaValue) throws(LuaValueError) {
        switch value {
        case .nil: try put(UInt8(KF_TAG_NIL))
        case .boolean(let b): try put(UInt8(b ? KF_TAG_TRUE : KF_TAG_FALSE))
        case .integer(let i):
            try put(UInt8(KF_TAG_INTEGER))
            try put(i)
        case .number(let d):
            try put(UInt8(KF_TAG_NUMBER))
            try put(d)
        case .string(let s):
            try put(UInt8(KF_TAG_STRING))
            try put(UInt64(s.bytes.count))
            let ok = s.bytes.withUnsafeBytes { kf_buffer_put(buffer, $0.baseAddress, $0.count) }
            guard ok != 0 else { throw LuaValueError(message: "host value too large") }
        case .table(let t):
            for field in t.fields {
                if field.key == .nil { throw LuaValueError(message: "a table key cannot be nil") }
                if case .number(let d) = field.key, d.isNaN {
                    throw LuaValueError(message: "a table key cannot be NaN")
                }
            }
            try put(UInt8(KF_TAG_TABLE))
            try put(UInt32(t.array.count))
            try put(UInt32(t.fields.count))
            for v in t.array { try write(v) }
            for field in t.fields {
                try write(field.key)
                try write(field.value)
            }
        case .function(let f):
            guard f.owner == owner else { throw LuaValueError(message: "a function from another VM cannot cross") }
            try put(UInt8(KF_TAG_REF))
            try put(f.reference)
        }
    }
}
