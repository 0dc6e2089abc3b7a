"""The texts tokenizer goldens are made from: hand-picked cases for every
rule of BertNormalizer / BertPreTokenizer / WordPiece, plus seeded random
strings drawn from many Unicode blocks (including unassigned and recent code
points, where Unicode-version differences would show)."""
import random

PROSE = [
    "The quick brown fox jumps over the lazy dog.",
    "BERT reads a sentence in both directions at once.",
    "I can't believe it's already 5:30 p.m.; we're late!",
    "She said, \"Don't touch that—it's hot!\"",
    "In 1969, Apollo 11 landed on the Moon (July 20th).",
    "E-mail me at jane.doe@example.com or visit https://example.org/path?q=1&r=2.",
    "Transformers use self-attention to weigh every token against every other token.",
    "The cat sat on the mat, and the dog barked at the mailman.",
    "Prices rose 3.5% in Q2, to $1,234.56 per unit.",
    "It was the best of times, it was the worst of times.",
    "Mr. Darcy bowed; Elizabeth curtsied, and neither spoke.",
    "Unbelievably, the unforgettable performance was underappreciated.",
    "antidisestablishmentarianism is a long word",
    "Supercalifragilisticexpialidocious!",
    "The patient's electroencephalography results were inconclusive.",
    "GPUs, TPUs and CPUs all run matrix multiplications.",
    "He paid £20, €15 and ¥3000 — all in one afternoon.",
    "Tokenization splits text into word pieces like ##ing and ##ed.",
    "What's the difference between a tokenizer and a normalizer?",
    "Hello, world! Hello, WORLD! hello world.",
    "Call +1 (555) 123-4567 before 9am.",
    "She's reading 'War and Peace' again...",
    "The 2nd, 3rd and 4th runners-up received medals.",
    "x = y + 2 * (z - 3) / 4; print(x)",
    "#hashtag @mention ~tilde ^caret |pipe `backtick`",
    "In China it is polite to burp at the table.",
    "The children's toys were scattered across the living-room floor.",
    "To be, or not to be: that is the question.",
    "Paris is the capital of [MASK].",
    "The man went to the [MASK] to buy a gallon of milk.",
    "[CLS] already here [SEP] and again [SEP]",
    "[MASK][MASK] [MASK]",
    "a[MASK]b",
    "[mask] lowercase is not special",
    "[UNK] [PAD] [CLS] [SEP] [MASK]",
    "  leading and trailing spaces  ",
    "tabs\tand\nnewlines\r\nand\u000bvertical\u000cform feeds",
    "multiple     spaces     between",
    "ALL CAPS SENTENCE WITH SHOUTING",
    "MiXeD cAsE wOrDs",
    "numbers 0123456789 and 3.14159 and 1e-10",
    "naïve café résumé coöperate façade jalapeño",
    "Ångström Øresund Æther Œuvre straße",
    "Ελληνικά: Καλημέρα κόσμε, ΣΟΦΙΑ σοφία",
    "Русский текст: Привет, мир! Ёлка.",
    "العربية: مرحبا بالعالم",
    "עברית: שלום עולם",
    "ภาษาไทย สวัสดีชาวโลก",
    "हिन्दी: नमस्ते दुनिया",
    "中文：你好，世界！我爱自然语言处理。",
    "日本語：こんにちは世界。カタカナもあります。",
    "한국어: 안녕하세요 세계",
    "Mixed 中文 and English 混合 text.",
    "Emoji: 😀 😃 😄 👍🏽 ❤️ 🇺🇸 🏳️‍🌈",
    "Family: 👨‍👩‍👧‍👦 and technologist 👩‍💻",
    "Recent emoji: 🫠 🥲 🫨 🪿",
    "combining: e\u0301 a\u0300 o\u0308 n\u0303 x\u0301\u0316y",
    "Zalgo: Z\u0336\u0335a\u0337l\u0334g\u0338o\u0335",
    "zero\u200bwidth\u200cjoiners\u200d and\u2060word\u00adjoiner",
    "bidi \u202eoverride\u202c and \u200fmarks\u200e",
    "byte order mark \ufeff inside",
    "null\u0000char and replacement \ufffd char",
    "control \u0001\u0002\u0003\u001f chars and \u007f\u0080\u009f",
    "private use \ue000\uf8ff and \U000f0000",
    "fullwidth ＡＢＣ　ｄｅｆ　１２３！",
    "ligatures: ﬁ ﬂ ﬀ ﬃ and ℌ ℍ ℕ ™ ½ ²",
    "Turkish İstanbul ıIiİ and German ẞ ß",
    "Dž Lj Nj ǅ ǈ ǋ titlecase digraphs",
    "nbsp\u00a0here and thin\u2009space and ideographic\u3000space",
    "line\u2028separator and paragraph\u2029separator",
    "quotes «guillemets» „German“ ‘single’ “double”",
    "dashes ‐ ‑ ‒ – — ― and ellipsis …",
    "math ∀x∈ℝ: x² ≥ 0 ⇒ √x² = |x|",
    "currency ₹ ₽ ₿ ¢ and symbols © ® ° ±",
    "a" * 99,
    "b" * 100,
    "c" * 101,
    "pneumonoultramicroscopicsilicovolcanoconiosis" * 3,
    "x" * 250 + " short",
    "",
    " ",
    "   \t\n  ",
    "\u200b",
    "\u0000",
    ".",
    "...!!!???",
    "a",
    "A",
    "I",
    "hello",
    "Hello.",
    "don't",
    "U.S.A.",
    "e.g. i.e. etc.",
    "well-known state-of-the-art",
    "C++ C# F# .NET node.js",
    "<html><body>hi</body></html>",
    "{\"json\": [1, 2, 3]}",
    "snake_case and kebab-case and camelCase",
    "Egyptian format \U00013430\U00013431 and arabic letter mark \u061c",
    "Devanagari virama क्षत्रिय and nukta क़",
    "Thai tone marks กั้ ก่ ก้",
    "Vietnamese: Tiếng Việt có dấu",
    "Extension B 𠀀𠀁 and C 𪜀 and compat 豈 and rare 𫝀 𫠠 𬺰",
    "Hangul jamo 각 and compatibility ㄱㅏ",
    "superscript x⁰¹²³ and subscript H₂O",
    "circled ① ② ⑳ and roman Ⅻ ⅻ",
    "unassigned \u0378 and \U0001fbf0 and \U000e0001tag",
    "surrogate-free astral 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟘𝟙𝟚",
]

PAIRS = [
    ("The man went to the store.", "He bought a gallon of milk."),
    ("Is this the next sentence?", "Penguins are flightless birds."),
    ("中文句子。", "An English sentence."),
    ("", "only the second"),
    ("only the first", ""),
    ("[MASK] is here", "and [SEP] there"),
    ("naïve café", "RÉSUMÉ"),
    ("a" * 120, "b c d"),
    ("Emoji 😀", "👍🏽 ok"),
    ("  ", "\t"),
]

BLOCKS = [
    (0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x4FF),
    (0x590, 0x6FF), (0x900, 0x97F), (0xE00, 0xE7F), (0x1100, 0x11FF), (0x1E00, 0x1EFF),
    (0x2000, 0x206F), (0x2070, 0x218F), (0x2190, 0x22FF), (0x2E00, 0x2E7F), (0x3000, 0x30FF),
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xF900, 0xFAFF), (0xFE00, 0xFE6F),
    (0xFF00, 0xFFEF), (0x1F300, 0x1FAFF), (0x20000, 0x2A6DF), (0x2B820, 0x2CEAF), (0x10000, 0x1007F),
    (0x11000, 0x1107F), (0x1D400, 0x1D7FF), (0xE0000, 0xE007F), (0x0, 0x1F), (0x7F, 0x9F),
]


def random_texts(count=200, seed=1234):
    rng = random.Random(seed)
    words = "the of and to in is you that it he was for on are as with his they at be this from".split()
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 12)):
            r = rng.random()
            if r < 0.35:
                parts.append(rng.choice(words))
            elif r < 0.5:
                parts.append(rng.choice([" ", "  ", "\t", "\n", "-", ",", ".", "'"]))
            else:
                lo, hi = rng.choice(BLOCKS)
                cps = [rng.randint(lo, hi) for _ in range(rng.randint(1, 6))]
                parts.append("".join(chr(c) for c in cps if not 0xD800 <= c <= 0xDFFF))
            parts.append(" " if rng.random() < 0.6 else "")
        out.append("".join(parts))
    return out


def singles():
    return PROSE + random_texts()


def pairs():
    rng = random.Random(99)
    extra = [(rng.choice(PROSE), rng.choice(PROSE)) for _ in range(30)]
    return PAIRS + extra
