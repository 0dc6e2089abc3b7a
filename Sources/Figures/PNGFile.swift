import CPNG
import Foundation
import SafeIO

/// PNG files through libpng's simplified API (png_image).
public enum PNGFile {
    /// The PNG file's bytes (the caller writes them: files go through SafeIO's checked writer).
    public static func encode(_ r: Raster) throws -> [UInt8] {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(r.width)
        image.height = UInt32(r.height)
        image.format = bs_png_format_rgba
        defer { png_image_free(&image) }
        // The first call measures, the second writes into a buffer of that size.
        var size = 0
        var ok = r.pixels.withUnsafeBytes { buf in
            png_image_write_to_memory(&image, nil, &size, 0, buf.baseAddress, Int32(r.width * 4), nil)
        }
        guard ok != 0, size > 0 else { throw FigureError("could not encode the PNG: \(message(&image))") }
        guard Allocation.possible(size) else { throw FigureError("not enough memory for a \(size >> 20) MB PNG") }
        var bytes = [UInt8](repeating: 0, count: size)
        ok = r.pixels.withUnsafeBytes { buf in
            bytes.withUnsafeMutableBytes { out in
                png_image_write_to_memory(&image, out.baseAddress, &size, 0, buf.baseAddress, Int32(r.width * 4), nil)
            }
        }
        guard ok != 0 else { throw FigureError("could not encode the PNG: \(message(&image))") }
        bytes.removeLast(bytes.count - min(size, bytes.count))  // in place: no second copy
        return bytes
    }

    /// Reads any PNG as RGBA (tests check figures by decoding them).
    public static func read(_ path: String) throws -> Raster {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            throw FigureError("\(path) is not a readable PNG: \(message(&image))")
        }
        defer { png_image_free(&image) }
        image.format = bs_png_format_rgba
        let w = Int(image.width), h = Int(image.height)
        guard w > 0, h > 0, w * h <= Rasterizer.pixelLimit else {
            throw FigureError("\(path): a \(w) × \(h) PNG is too large to read")
        }
        var pixels = [UInt8](repeating: 0, count: w * h * 4)
        let ok = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, Int32(w * 4), nil) }
        guard ok != 0 else { throw FigureError("\(path): \(message(&image))") }
        return Raster(width: w, height: h, pixels: pixels)
    }

    private static func message(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
