/// A small JSON reader (RFC 8259) for plugin configuration: no Foundation, clear errors.
///
///     let value = try JSONReader.parse(#"{"format": "json", "depth": 2}"#)
///     value["format"]   // .string("json")
public enum JSONReader {
    /// Deepest nesting accepted; configuration never needs more, and it bounds recursion.
    public static let maxDepth = 64

    public static func parse(_ text: String) throws(JSONError) -> JSONValue {
        let bytes = Array(text.utf8)
        let result = bytes.withUnsafeBufferPointer { b in
            Result { () throws(JSONError) -> JSONValue in try parse(bytes: b) }
        }
        return try result.get()
    }

    public static func parse(bytes: UnsafeBufferPointer<UInt8>) throws(JSONError) -> JSONValue {
        var parser = Parser(bytes: bytes)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        if parser.pos < bytes.count {
            throw parser.error("unexpected \(parser.describeCurrent()) after the JSON value")
        }
        return value
    }
}

/// Why a JSON text could not be read, with where (1-based line and column, in bytes).
public struct JSONError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public let offset: Int
    public let line: Int
    public let column: Int

    public var description: String { "line \(line), column \(column): \(message)" }
}

private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    var pos = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func error(_ message: String, at offset: Int? = nil) -> JSONError {
        let end = min(offset ?? pos, bytes.count)
        var line = 1, column = 1
        for i in 0..<end {
            if bytes[i] == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
        }
        return JSONError(message: message, offset: end, line: line, column: column)
    }

    func describeCurrent() -> String {
        guard pos < bytes.count else { return "end of input" }
        let b = bytes[pos]
        if b >= 0x20 && b < 0x7f { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(String(b, radix: 16))"
    }

    mutating func skipSpace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0a, 0x0d: pos += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(JSONError) -> JSONValue {
        guard pos < bytes.count else { throw error("expected a value, got end of input") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("expected a value, got \(describeCurrent())")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONError) {
        let start = pos
        let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for b in w {
            guard pos < bytes.count, bytes[pos] == b else {
                throw error("invalid literal (expected '\(word)')", at: start)
            }
            pos += 1
        }
    }

    mutating func object(depth: Int) throws(JSONError) -> JSONValue {
        if depth > JSONReader.maxDepth { throw error("nesting deeper than \(JSONReader.maxDepth)") }
        pos += 1
        var members: [(key: String, value: JSONValue)] = []
        skipSpace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
        while true {
            skipSpace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
                throw error("expected a string key in object, got \(describeCurrent())")
            }
            let key = try string()
            skipSpace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else {
                throw error("expected ':' after object key \"\(key)\", got \(describeCurrent())")
            }
            pos += 1
            skipSpace()
            members.append((key, try value(depth: depth)))
            skipSpace()
            guard pos < bytes.count else { throw error("unterminated object (expected ',' or '}')") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
            throw error("expected ',' or '}' in object, got \(describeCurrent())")
        }
    }

    mutating func array(depth: Int) throws(JSONError) -> JSONValue {
        if depth > JSONReader.maxDepth { throw error("nesting deeper than \(JSONReader.maxDepth)") }
        pos += 1
        var items: [JSONValue] = []
        skipSpace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value(depth: depth))
            skipSpace()
            guard pos < bytes.count else { throw error("unterminated array (expected ',' or ']')") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            throw error("expected ',' or ']' in array, got \(describeCurrent())")
        }
    }

    mutating func number() throws(JSONError) -> Double {
        let start = pos
        func digits(_ p: inout Parser) -> Int {
            let s = p.pos
            while p.pos < p.bytes.count, p.bytes[p.pos] >= 0x30, p.bytes[p.pos] <= 0x39 { p.pos += 1 }
            return p.pos - s
        }
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        let intStart = pos
        let n = digits(&self)
        if n == 0 { throw error("invalid number: expected a digit", at: pos) }
        if n > 1 && bytes[intStart] == UInt8(ascii: "0") {
            throw error("invalid number: leading zero", at: intStart)
        }
        if pos < bytes.count && bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            if digits(&self) == 0 { throw error("invalid number: expected a digit after '.'", at: pos) }
        }
        if pos < bytes.count && (bytes[pos] | 0x20) == UInt8(ascii: "e") {
            pos += 1
            if pos < bytes.count && (bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-")) { pos += 1 }
            if digits(&self) == 0 { throw error("invalid number: expected a digit in the exponent", at: pos) }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
        // Double(String) reads with the C locale whatever setlocale says; strtod would not.
        guard let d = Double(text), d.isFinite else {
            throw error("number \(text) is out of range", at: start)
        }
        return d
    }

    mutating func hex4() throws(JSONError) -> UInt32 {
        guard pos + 4 <= bytes.count else { throw error("incomplete \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[pos]
            let d: UInt8
            switch b {
            case 0x30...0x39: d = b - 0x30
            case 0x41...0x46: d = b - 0x41 + 10
            case 0x61...0x66: d = b - 0x61 + 10
            default: throw error("invalid hex digit in \\u escape")
            }
            v = v << 4 | UInt32(d)
            pos += 1
        }
        return v
    }

    mutating func string() throws(JSONError) -> String {
        let start = pos
        pos += 1
        var out: [UInt8] = []
        while true {
            guard pos < bytes.count else { throw error("unterminated string", at: start) }
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") { pos += 1; break }
            if b < 0x20 { throw error("control character 0x\(String(b, radix: 16)) in string (escape it)") }
            if b != UInt8(ascii: "\\") { out.append(b); pos += 1; continue }
            pos += 1
            guard pos < bytes.count else { throw error("unterminated string", at: start) }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5c)
            case UInt8(ascii: "/"): out.append(0x2f)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0c)
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // A high surrogate must be followed by an escaped low one.
                    if pos + 6 <= bytes.count && bytes[pos] == 0x5c && bytes[pos + 1] == UInt8(ascii: "u") {
                        pos += 2
                        let low = try hex4()
                        guard low >= 0xDC00 && low < 0xE000 else { throw error("unpaired surrogate in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        throw error("unpaired surrogate in \\u escape")
                    }
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    throw error("unpaired surrogate in \\u escape")
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
            default:
                pos -= 1
                throw error("invalid escape \\\(describeCurrent())")
            }
        }
        // Invalid UTF-8 in the input is repaired rather than refused: config comes from
        // environment variables and files a person edits.
        return String(decoding: out, as: UTF8.self)
    }
}
