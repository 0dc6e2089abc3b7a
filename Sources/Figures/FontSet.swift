import CFreeType
import Foundation

public struct FigureError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ m: String) { message = m }
    public var description: String { message }
}

/// The TrueType faces PNG text is drawn with (DejaVu: the fonts the SVG
/// names first), loaded once through FreeType; every face also falls back
/// to the others for characters it lacks.
public final class FontSet: @unchecked Sendable {
    private var library: FT_Library?
    private var faces: [Style: FT_Face] = [:]
    private let lock = NSLock()

    public enum Style: Hashable, CaseIterable, Sendable { case regular, bold, mono, monoBold }

    static let files: [Style: String] = [
        .regular: "DejaVuSans.ttf", .bold: "DejaVuSans-Bold.ttf", .mono: "DejaVuSansMono.ttf",
        .monoBold: "DejaVuSansMono-Bold.ttf",
    ]

    /// $BERTSCOPE_FONT_DIR, then the Debian/Ubuntu and Fedora locations of fonts-dejavu.
    public static var searchDirectories: [String] {
        (ProcessInfo.processInfo.environment["BERTSCOPE_FONT_DIR"].map { [$0] } ?? []) + [
            "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/dejavu-sans-fonts",
            "/usr/share/fonts/dejavu-sans-mono-fonts", "/usr/local/share/fonts/dejavu",
        ]
    }

    public static let shared: Result<FontSet, FigureError> = Result { try FontSet() }.mapError {
        $0 as? FigureError ?? FigureError("\($0)")
    }

    init() throws {
        guard FT_Init_FreeType(&library) == 0, let library else { throw FigureError("FreeType did not start") }
        for style in Style.allCases {
            let name = Self.files[style]!
            guard
                let path = Self.searchDirectories.map({ ($0 as NSString).appendingPathComponent(name) }).first(where: {
                    FileManager.default.fileExists(atPath: $0)
                })
            else { continue }
            var face: FT_Face?
            if FT_New_Face(library, path, 0, &face) == 0, let face { faces[style] = face }
        }
        guard faces[.regular] != nil || faces[.mono] != nil else {
            throw FigureError(
                "PNG figures need the DejaVu fonts: apt-get install fonts-dejavu-core (or set BERTSCOPE_FONT_DIR to a folder with DejaVuSans.ttf)"
            )
        }
    }

    /// A rendered glyph: 8-bit coverage rows, its offset from the pen and its advance (pixels).
    struct Glyph {
        var width = 0, rows = 0, left = 0, top = 0, advance = 0.0
        var coverage: [UInt8] = []
    }

    /// The glyph of `scalar` at `pixels` size in the preferred style, falling back through the others.
    func glyph(_ scalar: Unicode.Scalar, pixels: Int, style: Style) -> Glyph {
        lock.withLock {
            let order = [style, .regular, .mono, .bold, .monoBold]
            let face =
                order.lazy.compactMap { self.faces[$0] }.first { FT_Get_Char_Index($0, FT_ULong(scalar.value)) != 0 }
                ?? order.lazy.compactMap { self.faces[$0] }.first!
            FT_Set_Pixel_Sizes(face, 0, FT_UInt(max(1, pixels)))
            guard FT_Load_Char(face, FT_ULong(scalar.value), FT_Int32(FT_LOAD_RENDER)) == 0,
                let slot = face.pointee.glyph
            else { return Glyph(advance: Double(pixels) / 2) }
            let bm = slot.pointee.bitmap
            var g = Glyph(
                width: Int(bm.width), rows: Int(bm.rows), left: Int(slot.pointee.bitmap_left),
                top: Int(slot.pointee.bitmap_top), advance: Double(slot.pointee.advance.x) / 64)
            if let buffer = bm.buffer, g.width > 0, g.rows > 0 {
                g.coverage.reserveCapacity(g.width * g.rows)
                for r in 0..<g.rows {
                    let row = buffer + r * Int(bm.pitch)
                    for c in 0..<g.width { g.coverage.append(row[c]) }
                }
            }
            return g
        }
    }

    /// The ascent of the face at `pixels`, for rotated text's box.
    func ascent(pixels: Int, style: Style) -> Int {
        lock.withLock {
            guard let face = faces[style] ?? faces[.regular] ?? faces[.mono] else { return pixels }
            FT_Set_Pixel_Sizes(face, 0, FT_UInt(max(1, pixels)))
            return Int(face.pointee.size.pointee.metrics.ascender >> 6)
        }
    }
}
