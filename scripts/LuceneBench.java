// Lucene's side of scripts/bench: builds a Lucene index of a JSON Lines corpus and times queries
// on it, the way the bench times tantivy and SQLite FTS5. Compiled and run by scripts/bench
// against the Lucene jars that scripts/get-lucene fetches; not part of newsindex itself.
//
//   java -cp JAR:DIR LuceneBench build CORPUS.jsonl INDEX_DIR THREADS
//   java -cp JAR:DIR LuceneBench time INDEX_DIR RUNS WARMUP WARM_SECONDS < queries.json
//
// Analysis matches tantivy's default tokenizer (runs of alphanumeric characters as Rust counts
// them, lower-cased, tokens of 40 UTF-8 bytes or more dropped whole); fields are indexed with
// positions and not stored, as the bench's plain tantivy build; similarity is Lucene's BM25 (k1
// 1.2, b 0.75); queries are read with the classic query parser over title (boost 2) and body, and
// collected top 10 with hits counted only up to 10, as tantivy's count=False. `time` prints one
// JSON object: query -> median ms.

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.FilteringTokenFilter;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.util.CharTokenizer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TopScoreDocCollector;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.UnicodeUtil;

public final class LuceneBench {
    static Analyzer analyzer() {
        return new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String field) {
                // Rust's char::is_alphanumeric: alphabetic or a number (Nd, Nl, No). Runs are not
                // cut at 255 characters (CharTokenizer's default) so that long ones are dropped whole.
                Tokenizer words = new CharTokenizer(TokenStream.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, 1 << 20) {
                    @Override
                    protected boolean isTokenChar(int c) {
                        return Character.isAlphabetic(c) || Character.isDigit(c)
                            || Character.getType(c) == Character.OTHER_NUMBER;
                    }
                };
                TokenStream stream = new FilteringTokenFilter(new LowerCaseFilter(words)) {
                    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);

                    @Override
                    protected boolean accept() {
                        return UnicodeUtil.calcUTF16toUTF8Length(term, 0, term.length()) < 40;
                    }
                };
                return new TokenStreamComponents(words, stream);
            }
        };
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("build")) {
            build(args[1], args[2], Integer.parseInt(args[3]));
        } else if (args.length == 5 && args[0].equals("time")) {
            time(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Double.parseDouble(args[4]));
        } else {
            System.err.println("usage: LuceneBench build CORPUS INDEX THREADS | time INDEX RUNS WARMUP WARM_SECONDS");
            System.exit(2);
        }
    }

    static void build(String corpus, String path, int threads) throws Exception {
        IndexWriterConfig config = new IndexWriterConfig(analyzer());
        config.setRAMBufferSizeMB(512);
        config.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
        config.setUseCompoundFile(false); // as Lucene's own benchmarks: no copy of each new segment into one file
        try (FSDirectory dir = FSDirectory.open(Paths.get(path));
             IndexWriter writer = new IndexWriter(dir, config);
             BufferedReader in = Files.newBufferedReader(Paths.get(corpus), StandardCharsets.UTF_8)) {
            ObjectMapper json = new ObjectMapper();
            Thread[] workers = new Thread[threads];
            Throwable[] failure = new Throwable[1];
            for (int t = 0; t < threads; t++) {
                workers[t] = new Thread(() -> {
                    try {
                        while (true) {
                            String line;
                            synchronized (in) { line = in.readLine(); }
                            if (line == null) return;
                            if (line.isBlank()) continue;
                            JsonNode d = json.readTree(line);
                            Document doc = new Document();
                            doc.add(new TextField("title", d.path("title").asText(""), Field.Store.NO));
                            doc.add(new TextField("body", d.path("body").asText(""), Field.Store.NO));
                            writer.addDocument(doc);
                        }
                    } catch (Throwable e) {
                        synchronized (failure) { failure[0] = e; }
                    }
                });
                workers[t].start();
            }
            for (Thread w : workers) w.join();
            if (failure[0] != null) throw new RuntimeException("indexing failed", failure[0]);
            writer.commit();
        }
    }

    static void time(String path, int runs, int warmup, double warmSeconds) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> queries = new ArrayList<>();
        for (JsonNode q : json.readTree(new InputStreamReader(System.in, StandardCharsets.UTF_8))) queries.add(q.asText());
        try (FSDirectory dir = FSDirectory.open(Paths.get(path)); DirectoryReader reader = DirectoryReader.open(dir)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            searcher.setQueryCache(null);
            MultiFieldQueryParser parser = new MultiFieldQueryParser(
                new String[] {"title", "body"}, analyzer(), Map.of("title", 2.0f, "body", 1.0f));
            Query[] parsed = new Query[queries.size()];
            for (int i = 0; i < parsed.length; i++) parsed[i] = parser.parse(queries.get(i));
            // The JIT compiles Lucene's loops only after many calls: before anything is timed,
            // every query runs again and again for an equal share of warmSeconds, the whole set
            // twice over, so that Lucene is measured compiled.
            for (int pass = 0; pass < 2; pass++) {
                for (Query q : parsed) {
                    long end = System.nanoTime() + (long) (warmSeconds * 1e9 / (2 * parsed.length));
                    while (System.nanoTime() < end) search(searcher, q);
                }
            }
            Map<String, Double> out = new LinkedHashMap<>();
            for (int i = 0; i < parsed.length; i++) {
                for (int w = 0; w < warmup; w++) search(searcher, parsed[i]);
                double[] ms = new double[runs];
                for (int r = 0; r < runs; r++) {
                    long t = System.nanoTime();
                    search(searcher, parsed[i]);
                    ms[r] = (System.nanoTime() - t) / 1e6;
                }
                Arrays.sort(ms);
                out.put(queries.get(i), ms[runs / 2]);
            }
            System.out.println(json.writeValueAsString(out));
        }
    }

    static int sink;

    static void search(IndexSearcher searcher, Query q) throws Exception {
        TopScoreDocCollector top = TopScoreDocCollector.create(10, null, 10);
        searcher.search(q, top);
        sink += top.topDocs().scoreDocs.length;
    }
}
