import ArgumentParser
import NewsIndex

struct TermsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "terms", abstract: "(being written)")
    func run() throws {}
}
