internal import CLibXML2
import NewsIndexCore

/// libxml2 set up once, before any parse: libxml2 2.9 wants `xmlInitParser` called before
/// threads parse at the same time (pages are extracted on every core). A global's initializer
/// runs exactly once, whichever thread gets there first.
let libxml2Ready: Void = xmlInitParser()

/// A parsed web page: elements with their lower-cased names and attributes, and text, in a
/// compact tree of numbered nodes (node 0 is the root, the document itself).
///
/// The page is parsed by libxml2's HTML parser, which repairs broken markup the way browsers
/// mostly do and decodes the character set (see ``TextEncoding``); the libxml2 document is
/// freed once the tree is copied out of it.
public struct HTMLTree: Sendable {
    /// One node: an element, or a run of text.
    struct Node: Sendable {
        /// The element's lower-cased name; empty for text.
        var name: String
        /// The text of a text node (entities decoded); empty for elements.
        var text: String
        /// The element's attributes, names lower-cased, in document order.
        var attributes: [(name: String, value: String)]
        /// The parent's number (-1 for the root).
        var parent: Int
        /// The children's numbers, in document order.
        var children: [Int]
        /// A text node's length in characters (Unicode scalars), leading and trailing white space left out.
        var length: Int32 = 0
    }

    /// The nodes; node 0 is the root.
    private(set) var nodes: [Node]
    /// The elements of each name, in document order.
    private var byName: [String: [Int]] = [:]

    /// The number of nodes.
    var count: Int { nodes.count }

    /// Parses `bytes` as an HTML page in `encoding` (see ``TextEncoding/detect(_:declared:)``).
    ///
    /// Never fails: bytes that are not HTML give a tree with whatever text they hold.
    public init(parsing bytes: UnsafeRawBufferPointer, encoding: String) {
        nodes = [Node(name: "#document", text: "", attributes: [], parent: -1, children: [])]
        guard bytes.count > 0, bytes.count <= Int(Int32.max), let base = bytes.baseAddress else { return }
        _ = libxml2Ready
        newsindex_xml_quiet()
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                            | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue)
        var doc = htmlReadMemory(base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil, encoding, options)
        if doc == nil { doc = htmlReadMemory(base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil, nil, options) }
        guard let doc else { return }
        defer { xmlFreeDoc(doc) }
        copy(from: doc.pointee.children)
        for n in nodes.indices where !nodes[n].name.isEmpty { byName[nodes[n].name, default: []].append(n) }
    }

    /// Copies libxml2's nodes from `first` (the root's first child) on, without recursion.
    private mutating func copy(from first: xmlNodePtr?) {
        // (libxml2 node, parent number) pairs still to copy, the next sibling of each pushed after it.
        var stack: [(xmlNodePtr, Int)] = []
        if let first { stack.append((first, 0)) }
        var depth = [0]   // of each node copied
        while let (node, parent) = stack.popLast() {
            if let next = node.pointee.next { stack.append((next, parent)) }
            switch node.pointee.type {
            case XML_ELEMENT_NODE where depth[parent] >= HTMLTree.maxDepth:
                // Past the depth limit, elements are left out and their content joins the
                // element above: the tree's walks stay linear on pages nested thousands deep.
                if let child = node.pointee.children { stack.append((child, parent)) }
            case XML_ELEMENT_NODE:
                let number = nodes.count
                let element = Node(name: HTMLTree.string(node.pointee.name).lowercased(), text: "",
                                   attributes: HTMLTree.attributes(of: node), parent: parent, children: [])
                nodes.append(element)
                depth.append(depth[parent] + 1)
                nodes[parent].children.append(number)
                if let child = node.pointee.children, HTMLTree.keepsText(element) { stack.append((child, number)) }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                let text = HTMLTree.string(node.pointee.content)
                guard !text.isEmpty else { continue }
                nodes.append(Node(name: "", text: text, attributes: [], parent: parent, children: [],
                                  length: HTMLTree.trimmedLength(text)))
                depth.append(depth[parent] + 1)
                nodes[parent].children.append(nodes.count - 1)
            default:
                continue
            }
        }
    }

    /// The deepest element kept (real pages nest a few dozen deep).
    static let maxDepth = 256

    /// Whether the text inside `element` is copied: not for style sheets and scripts, which
    /// are often most of a page's bytes and never its text, except JSON data (JSON-LD).
    private static func keepsText(_ element: Node) -> Bool {
        switch element.name {
        case "style": return false
        case "script": return element.attributes.contains { $0.name == "type" && $0.value.lowercased().contains("json") }
        default: return true
        }
    }

    /// The attributes of an element, names lower-cased.
    private static func attributes(of node: xmlNodePtr) -> [(name: String, value: String)] {
        attributes(of: node) { string($0.pointee.name).lowercased() }
    }

    /// The attributes of an element (HTML or XML), named by `name`, with their values.
    static func attributes(of node: xmlNodePtr, name: (xmlAttrPtr) -> String) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        var a = node.pointee.properties
        while let attr = a {
            var value = ""
            var child = attr.pointee.children
            while let c = child {
                value += string(c.pointee.content)
                child = c.pointee.next
            }
            out.append((name(attr), value))
            a = attr.pointee.next
        }
        return out
    }

    /// A libxml2 string (UTF-8) as a Swift string.
    static func string(_ p: UnsafePointer<xmlChar>?) -> String {
        guard let p else { return "" }
        return String(cString: p)
    }

    /// The length of `text` in Unicode scalars without leading and trailing ASCII white space.
    static func trimmedLength(_ text: String) -> Int32 {
        // Scalars are counted by their first bytes; only ASCII white space is trimmed.
        var count: Int32 = 0, lastNonSpace: Int32 = 0
        for b in text.utf8 where b & 0xC0 != 0x80 {
            let space = b == 0x20 || (b >= 0x09 && b <= 0x0D)
            if space && count == 0 { continue }
            count += 1
            if !space { lastNonSpace = count }
        }
        return lastNonSpace
    }

    // MARK: Reading the tree

    /// The trimmed length of text node `n` (0 for an element).
    func textLength(_ n: Int) -> Int32 { nodes[n].length }

    /// The element name of node `n` (empty for text).
    func name(_ n: Int) -> String { nodes[n].name }

    /// Whether node `n` is text.
    func isText(_ n: Int) -> Bool { nodes[n].name.isEmpty }

    /// The children of node `n`.
    func children(_ n: Int) -> [Int] { nodes[n].children }

    /// The parent of node `n` (-1 for the root).
    func parent(_ n: Int) -> Int { nodes[n].parent }

    /// The value of attribute `name` (lower-case) of node `n`, nil when it has none.
    func attribute(_ n: Int, _ name: String) -> String? {
        for a in nodes[n].attributes where a.name == name { return a.value }
        return nil
    }

    /// The text of node `n` (a text node's own; nothing for an element).
    func ownText(_ n: Int) -> String { nodes[n].text }

    /// Every node below `n` (not `n` itself) in document order.
    func descendants(of n: Int) -> [Int] {
        var out: [Int] = []
        var stack = nodes[n].children.reversed() as [Int]
        while let m = stack.popLast() {
            out.append(m)
            stack.append(contentsOf: nodes[m].children.reversed())
        }
        return out
    }

    /// The elements named `name` in the page, in document order.
    func elements(named name: String) -> [Int] {
        byName[name] ?? []
    }

    /// All the text below node `n`, whitespace collapsed, without that of `script`, `style`
    /// and other elements that hold no visible text.
    func text(_ n: Int) -> String {
        var out = ""
        appendText(n, to: &out)
        return Whitespace.collapse(out)
    }

    /// Appends the raw text below `n` (blocks separated by a space) to `out`.
    func appendText(_ n: Int, to out: inout String) {
        var stack = [n]
        while let m = stack.popLast() {
            let node = nodes[m]
            if node.name.isEmpty { out += node.text; continue }
            if HTMLTree.invisible.contains(node.name) { continue }
            if node.name == "br" || HTMLTree.blocks.contains(node.name) { out += " " }
            stack.append(contentsOf: node.children.reversed())
        }
    }

    /// Elements whose content is never shown as text.
    static let invisible: Set<String> = ["script", "style", "template", "svg", "math", "head", "iframe",
                                         "object", "embed", "canvas", "select", "option", "button", "input", "textarea"]

    /// Elements that break text into blocks.
    static let blocks: Set<String> = ["p", "div", "section", "article", "main", "header", "footer", "aside", "nav",
                                      "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
                                      "blockquote", "pre", "table", "tr", "td", "th", "thead", "tbody", "tfoot",
                                      "caption", "figure", "figcaption", "form", "fieldset", "address", "hr",
                                      "details", "summary", "center", "body", "html", "title"]
}

/// Whitespace handling for text taken out of pages.
enum Whitespace {
    /// `s` with every run of whitespace (including no-break spaces) made one space, trimmed, and
    /// without soft hyphens.
    static func collapse(_ s: String) -> String {
        var s = s
        return s.withUTF8 { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var pendingSpace = false
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                // The length of the scalar that starts here (the input is valid UTF-8).
                let length = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
                let end = min(i + length, bytes.count)
                let space = b < 0x80 ? (b == 0x20 || (b >= 0x09 && b <= 0x0D)) : isSpace(scalar(bytes, i, end))
                if b == 0xC2 && end == i + 2 && bytes[i + 1] == 0xAD {
                    // A soft hyphen is a place to break a word, not part of it.
                } else if space {
                    pendingSpace = !out.isEmpty
                } else {
                    if pendingSpace { out.append(0x20) }
                    pendingSpace = false
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<end]))
                }
                i = end
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The scalar of the multi-byte UTF-8 sequence `bytes[start..<end]`.
    private static func scalar(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Unicode.Scalar {
        var value = UInt32(bytes[start]) & (end - start == 2 ? 0x1F : end - start == 3 ? 0x0F : 0x07)
        for k in (start + 1)..<end { value = value << 6 | UInt32(bytes[k] & 0x3F) }
        return Unicode.Scalar(value) ?? " "
    }

    /// Whether `c` is whitespace in page text (ASCII spaces, no-break and other Unicode spaces,
    /// zero-width spaces).
    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
            return true
        default:
            return false
        }
    }
}
