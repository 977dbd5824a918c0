import ArgumentParser
import NewsIndex

struct TrendsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trends", abstract: "(being written)")
    func run() throws {}
}
