import PropertyBased
import Testing
@testable import WorkbenchUI

@Suite struct KeyDecoderTests {
    func decode(_ text: String, timeoutAtEnd: Bool = true) -> [Key] {
        var d = KeyDecoder()
        var keys = text.unicodeScalars.flatMap { d.feed(.scalar($0.value)) }
        if timeoutAtEnd { keys += d.timeout() }
        return keys
    }

    @Test func altKeysAreAltNotEscapeThenKey() {
        #expect(decode("\u{1B}q") == [.alt("q")])
        #expect(decode("\u{1B}b") == [.alt("b")])
        #expect(decode("\u{1B}") == [.escape])
        #expect(decode("a\u{1B}") == [.char("a"), .escape])
        #expect(decode("\u{1B}\u{1B}") == [.escape, .escape])
    }

    @Test func terminalRepliesAreDropped() {
        // DCS (XTGETTCAP / DECRQSS replies), OSC colour reports ended by BEL or ST, APC, focus events.
        #expect(decode("\u{1B}P1$r0;1m\u{1B}\\q") == [.char("q")])
        #expect(decode("\u{1B}]11;rgb:0000/0000/0000\u{07}x") == [.char("x")])
        #expect(decode("\u{1B}]10;rgb:ffff/ffff/ffff\u{1B}\\") == [])
        #expect(decode("\u{1B}_Gi=1;OK\u{1B}\\") == [])
        #expect(decode("\u{1B}[I\u{1B}[Oz") == [.char("z")])
        // A long string is consumed without being kept, and ends at the timeout.
        #expect(decode("\u{1B}P" + String(repeating: "q", count: 70_000) + "!").isEmpty)
    }

    @Test func bracketedPasteIsOneKey() {
        #expect(decode("\u{1B}[200~the cat\nsat q\u{1B}[201~") == [.paste("the cat\nsat q")])
        #expect(decode("x\u{1B}[200~\u{1B}[201~y") == [.char("x"), .char("y")])
        // A paste whose end never arrives is delivered at the timeout.
        #expect(decode("\u{1B}[200~half") == [.paste("half")])
        // ESC inside a paste is text until the exact end marker.
        #expect(decode("\u{1B}[200~a\u{1B}[20b\u{1B}[201~") == [.paste("a\u{1B}[20b")])
    }

    @Test func csiAndSS3KeysNcursesMissed() {
        #expect(
            decode("\u{1B}[A\u{1B}[1;5C\u{1B}[1;5D\u{1B}[3~\u{1B}[Z\u{1B}OH") == [
                .up, .ctrlRight, .ctrlLeft, .delete, .backTab, .home,
            ])
        #expect(decode("\u{1B}[?2004;1$y") == [])  // a mode report
    }

    @Test func keysNcursesDecodedPassThrough() {
        var d = KeyDecoder()
        #expect(d.feed(.scalar(27)) == [])
        #expect(d.feed(.key(.up)) == [.escape, .up])
        #expect(d.feed(.key(.left)) == [.left])
    }

    /// Whatever arrives, the decoder stays bounded and ends in ground state after a timeout.
    @Test func anyInputIsSafe() async {
        let alphabet: [UInt32] = [
            27, 0x5B, 0x50, 0x5D, 0x5C, 0x7E, 0x32, 0x30, 0x31, 7, 0x3B, 0x41, 0x71, 0x4F, 10, 0, 0x1F600, 0xD7FF,
        ]
        await propertyCheck(count: 500, input: Gen.int(in: 0..<alphabet.count).array(of: 0...200)) { codes in
            var d = KeyDecoder()
            var keys: [Key] = []
            for c in codes { keys += d.feed(.scalar(alphabet[c])) }
            keys += d.timeout()
            #expect(!d.isPending)
            #expect(keys.count <= codes.count + 1)
        }
    }
}
