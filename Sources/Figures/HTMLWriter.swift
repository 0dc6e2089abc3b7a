/// A figure as one self-contained HTML page: the SVG inline, and a line
/// under it that shows the value of the cell under the pointer (each
/// cell's <title>). No scripts or fonts are fetched: it opens offline.
public enum HTMLWriter {
    /// The whole page as a String (small figures and tests; files stream with `write`).
    public static func html(_ f: Figure, title: String) -> String {
        var out = ""
        try! write(f, title: title, to: &out)  // appending to a String cannot fail
        return out
    }

    /// Streams the page into `sink`: the head, the SVG element by element, the script.
    public static func write<S: TextSink>(_ f: Figure, title: String, to sink: inout S) throws {
        let t = SVGWriter.escape(title)
        try sink.write(
            """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(t)</title>
            <style>
            body{margin:16px;background:\(f.background);color:#888;font:13px 'DejaVu Sans',Helvetica,Arial,sans-serif}
            #value{height:1.5em;margin-top:6px;font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace}
            svg rect:hover{stroke:#fff;stroke-width:1}
            </style>
            </head>
            <body>

            """)
        try SVGWriter.write(f, standalone: false, to: &sink)
        try sink.write(
            """
            <div id="value">hover a cell for its value</div>
            <script>
            // Shows the <title> of the cell under the pointer (browsers also show it as a tooltip).
            for (const r of document.querySelectorAll('svg rect')) {
              const t = r.querySelector('title');
              if (t) r.addEventListener('mouseenter', () => { document.getElementById('value').textContent = t.textContent; });
            }
            </script>
            </body>
            </html>

            """)
    }
}
