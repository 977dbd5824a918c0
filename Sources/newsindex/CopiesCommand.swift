import ArgumentParser
import NewsIndex

struct CopiesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "copies", abstract: "(being written)")
    func run() throws {}
}
