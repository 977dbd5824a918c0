import ArgumentParser
import NewsIndex

struct SimilarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "similar", abstract: "(being written)")
    func run() throws {}
}
