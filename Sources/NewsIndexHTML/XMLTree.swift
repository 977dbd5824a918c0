internal import CLibXML2
import NewsIndexCore

/// A parsed XML document (a feed), as a compact tree of elements: each with its namespace URI,
/// local name, attributes, text and line.
///
/// libxml2's XML parser reads it with recovery (a feed with a broken tag still gives the items
/// before and after it), without the network and without expanding entities other than the
/// predefined ones and character references; CDATA sections read as text.
struct XMLTree {
    /// One element.
    struct Element {
        /// The namespace URI; empty for none.
        var namespace: String
        /// The local name, as written.
        var name: String
        /// The attributes, by qualified name as written (`href`, `xml:base`, `rdf:about`).
        var attributes: [(name: String, value: String)]
        /// The text directly inside the element (its text and CDATA children, in order).
        var text: String
        /// The element's content in document order: runs of text and child elements.
        var content: [Content] = []
        /// The children's numbers.
        var children: [Int]
        /// The parent's number (-1 for the root).
        var parent: Int
        /// The line where the element starts.
        var line: Int
    }

    /// A piece of an element's content.
    enum Content {
        case text(String)
        case element(Int)
    }

    /// The elements; element 0 is the root.
    private(set) var elements: [Element] = []

    /// Parses `bytes`; nil when they hold no XML element at all.
    init?(parsing bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0, bytes.count <= Int(Int32.max), let base = bytes.baseAddress else { return nil }
        _ = libxml2Ready
        newsindex_xml_quiet()
        let options = Int32(XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
                            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue)
        guard let doc = xmlReadMemory(base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil, nil, options) else { return nil }
        defer { xmlFreeDoc(doc) }
        guard let root = xmlDocGetRootElement(doc) else { return nil }
        copy(root)
    }

    /// Copies libxml2's elements from `root` on, without recursion.
    private mutating func copy(_ root: xmlNodePtr) {
        var stack: [(xmlNodePtr, Int)] = [(root, -1)]
        while let (node, parent) = stack.popLast() {
            let number = elements.count
            var e = Element(namespace: node.pointee.ns.map { HTMLTree.string($0.pointee.href) } ?? "",
                            name: HTMLTree.string(node.pointee.name), attributes: XMLTree.attributes(of: node),
                            text: "", children: [], parent: parent, line: Int(xmlGetLineNo(node)))
            var children: [xmlNodePtr] = []
            var child = node.pointee.children
            while let c = child {
                switch c.pointee.type {
                case XML_ELEMENT_NODE:
                    children.append(c)
                    e.content.append(.element(-children.count))   // numbered once copied, below
                case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                    let t = HTMLTree.string(c.pointee.content)
                    e.text += t
                    e.content.append(.text(t))
                default: break
                }
                child = c.pointee.next
            }
            elements.append(e)
            if parent >= 0 {
                elements[parent].children.append(number)
                // The parent's content named this child by its place among the children.
                let place = elements[parent].children.count
                if let k = elements[parent].content.firstIndex(where: { if case .element(let p) = $0 { p == -place } else { false } }) {
                    elements[parent].content[k] = .element(number)
                }
            }
            for c in children.reversed() { stack.append((c, number)) }
        }
    }

    /// The attributes of an element, by qualified name (`xml:base`, `rdf:about`).
    private static func attributes(of node: xmlNodePtr) -> [(name: String, value: String)] {
        HTMLTree.attributes(of: node) { attr in
            (attr.pointee.ns.flatMap { $0.pointee.prefix }.map { HTMLTree.string($0) + ":" } ?? "") + HTMLTree.string(attr.pointee.name)
        }
    }

    // MARK: Reading the tree

    /// The root element.
    var root: Element { elements[0] }

    /// The value of attribute `name` of element `n`.
    func attribute(_ n: Int, _ name: String) -> String? {
        elements[n].attributes.first { $0.name == name }?.value
    }

    /// The children of `n` named `name` (a local name), in `namespaces` when given (any of them;
    /// the empty string for no namespace).
    func children(_ n: Int, _ name: String, in namespaces: [String]? = nil) -> [Int] {
        elements[n].children.filter { c in
            elements[c].name == name && (namespaces.map { $0.contains(elements[c].namespace) } ?? true)
        }
    }

    /// The text of the first child of `n` named `name`, trimmed; nil when there is none or it is blank.
    func childText(_ n: Int, _ name: String, in namespaces: [String]? = nil) -> String? {
        for c in children(n, name, in: namespaces) {
            let t = Whitespace.collapse(elements[c].text)
            if !t.isEmpty { return t }
        }
        return nil
    }

    /// The markup of the children of `n` (for Atom's `type="xhtml"` content): elements by local
    /// name with their text, attributes left out.
    func innerMarkup(_ n: Int, depth: Int = 0) -> String {
        var out = ""
        for piece in elements[n].content {
            switch piece {
            case .text(let t): out += FeedReader.escape(t)
            case .element(let c) where c > 0 && depth < 100:
                let name = elements[c].name
                out += "<\(name)>" + innerMarkup(c, depth: depth + 1) + "</\(name)>"
            case .element: break
            }
        }
        return out
    }

    /// The elements below `n` named `name`, in document order.
    func descendants(_ n: Int, _ name: String, in namespaces: [String]) -> [Int] {
        var out: [Int] = []
        var stack = elements[n].children.reversed() as [Int]
        while let c = stack.popLast() {
            if elements[c].name == name && namespaces.contains(elements[c].namespace) { out.append(c) }
            stack.append(contentsOf: elements[c].children.reversed())
        }
        return out
    }

    /// The `xml:base` in force at `n`, resolved against the ones above it and `documentBase`.
    func base(_ n: Int, documentBase: String?) -> String? {
        var chain: [String] = []
        var a = n
        while a >= 0 {
            if let b = attribute(a, "xml:base") { chain.append(b) }
            a = elements[a].parent
        }
        var base = documentBase
        for b in chain.reversed() { base = PageMetadata.absolute(b, base: base) ?? b }
        return base
    }
}
