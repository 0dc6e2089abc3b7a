#!/bin/sh
# Rewrites the golden frames (Tests/WorkbenchUITests/Frames/*.txt) from the
# current renderer, and the key table in docs/workbench.md from the bindings; review the change with `git diff -- Tests/WorkbenchUITests/Frames`.
cd "$(dirname "$0")/../.." && BERTSCOPE_UPDATE_FRAMES=1 swift test --filter "FrameGoldenTests|LongMapTests|ReadmeKeysTests"
