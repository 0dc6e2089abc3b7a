import CorpusText
import Testing

/// Every format reads its rows, names each bad row by file and line, and keeps the rest.
@Suite struct CorpusParserTests {
    func parse(_ text: String, _ format: CorpusFormat) -> CorpusParser {
        CorpusParser.parse(Array(text.utf8), format: format, file: "f")
    }

    @Test func plainTextKeepsEveryLineSoRowKIsLineKPlusOne() {
        var bytes = Array("one\n\ntwo\r\n".utf8)
        bytes += [0xFF, 0xFE, 0x0A] + Array("three\n".utf8)
        let p = CorpusParser.parse(bytes, format: .text, file: "f")
        #expect(p.rows.map(\.text) == ["one", "", "two", "", "three"])
        #expect(p.rows.map(\.line) == [1, 2, 3, 4, 5])
        #expect(p.problems == [RowProblem(file: "f", line: 4, message: "not UTF-8 text")])
        #expect(CorpusParser.parse([], format: .text).rows.isEmpty)
        #expect(parse("no newline at the end", .text).rows.count == 1)
    }

    @Test func jsonlReadsTextPairAndLabelAndNamesBadLines() {
        let p = parse(
            """
            {"text": "A cat.", "label": 1}
            {"text": "B.", "pair": "C.", "label": "pos", "extra": [1, 2]}
            not json
            ["a list"]
            {"pair": "no text"}
            {"text": 3}

            {"text": "D.", "label": 0.5, "pair": null}
            {"text": "E.", "label": {"x": 1}}
            """, .jsonl)
        #expect(p.rows.map(\.text) == ["A cat.", "B.", "D."])
        #expect(p.rows.map(\.label) == ["1", "pos", "0.5"])
        #expect(p.rows.map(\.pair) == [nil, "C.", nil])
        #expect(p.rows.map(\.line) == [1, 2, 8])
        #expect(p.problems.map(\.line) == [3, 4, 5, 6, 9])
        #expect(p.problems[2].description == "f:5: no \"text\" member")
    }

    @Test func csvQuotesHoldCommasQuotesAndLineBreaks() {
        let p = parse(
            """
            id,Sentence,label
            1,"Hello, world",pos
            2,"She said ""hi""
            and left",neg
            3,too,many,columns
            4,plain,neu
            """, .csv)
        #expect(p.rows.map(\.text) == ["Hello, world", "She said \"hi\"\nand left", "plain"])
        #expect(p.rows.map(\.label) == ["pos", "neg", "neu"])
        #expect(p.rows.map(\.line) == [2, 3, 6])
        #expect(p.problems == [RowProblem(file: "f", line: 5, message: "4 columns where the header has 3")])
    }

    @Test func csvUnclosedQuoteIsNamedAtItsStart() {
        let p = parse("text\nok\n\"never closed\nmore\n", .csv)
        #expect(p.rows.map(\.text) == ["ok"])
        #expect(p.problems.map(\.line) == [3])
    }

    @Test func aQuotedRecordWithAnUnreadableLineIsDroppedWhole() {
        var bytes = Array("text,label\n\"starts here\n".utf8)
        bytes += [0xFF, 0x0A]  // an unreadable line inside the quoted field
        bytes += Array("and ends\",pos\nnext one,neg\n".utf8)
        let p = CorpusParser.parse(bytes, format: .csv, file: "f")
        #expect(p.rows.map(\.text) == ["next one"])
        #expect(p.problems.map(\.line) == [3])
    }

    @Test func tsvAndRenamedColumns() throws {
        let columns = try ColumnNames.parse("text=review,label=stars")
        var p = CorpusParser(format: .tsv, file: "f", columns: columns)
        for (i, line) in ["stars\treview", "5\tGreat \"film\"", "1\tAwful", "oops"].enumerated() {
            p.feed(Array(line.utf8), line: i + 1)
        }
        p.finish(lastLine: 4)
        #expect(p.rows.map(\.text) == ["Great \"film\"", "Awful"])
        #expect(p.rows.map(\.label) == ["5", "1"])
        #expect(p.problems.map(\.line) == [4])
        #expect(throws: RowProblem.self) { try ColumnNames.parse("words=x") }
    }

    @Test func aHeaderWithoutTextColumnIsSaidOnce() {
        let p = parse("a,b\n1,2\n3,4\n", .csv)
        #expect(p.rows.isEmpty)
        #expect(p.problems.count == 1 && p.problems[0].line == 1)
    }

    @Test func conlluKeepsGoldTagsAndSkipsOnlyTheBadSentence() {
        let good = [
            "# label = demo",
            "1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_",
            "2\tcat\tcat\tNOUN\tNN\t_\t0\troot\t_\tSpaceAfter=No|NER=B-ANIMAL",
            "3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_",
        ]
        let bad = ["1\tOnly\tfive\tcolumns\there", "2\tx\tx\tX\tX\t_\t0\troot\t_\t_"]
        let p = parse((good + [""] + bad + [""] + good.dropFirst()).joined(separator: "\n"), .conllu)
        #expect(p.rows.count == 2)
        #expect(p.rows[0].text == "The cat.")
        #expect(p.rows[0].label == "demo" && p.rows[1].label == nil)
        #expect(p.rows[0].gold["upos"] == ["DET", "NOUN", "PUNCT"])
        #expect(p.rows[0].gold["ner"] == ["O", "B-ANIMAL", "O"])
        #expect(p.rows[0].wordRanges == [0..<3, 4..<7, 7..<8])
        #expect(p.rows.map(\.line) == [1, 9])
        #expect(p.problems.map(\.line) == [6])
    }

    @Test func formatsAreGuessedByExtension() {
        #expect(CorpusFormat.guess(path: "a/b.JSONL") == .jsonl)
        #expect(CorpusFormat.guess(path: "x.conllu") == .conllu)
        #expect(CorpusFormat.guess(path: "dir.v2/notes") == .text)
        #expect(CorpusFormat.guess(path: "t.tsv") == .tsv)
    }

    @Test func problemsBeyondTheCapAreCounted() {
        let text = String(repeating: "nope\n", count: CorpusParser.maxProblems + 5)
        let p = parse(text, .jsonl)
        #expect(p.problems.count == CorpusParser.maxProblems)
        #expect(p.problemCount == CorpusParser.maxProblems + 5)
    }
}
