// `import NewsIndex` is all that a program that embeds search needs: the engine, with the
// layers below it whose public types appear in its API (errors, analyzers, queries).
@_exported import NewsIndexAnalysis
@_exported import NewsIndexCore
@_exported import NewsIndexQuery
