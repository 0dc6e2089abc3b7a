#!/usr/bin/env bash
# Builds and runs BertScope's libFuzzer targets (every parser of untrusted
# input), each for SECONDS (default 60), from the committed seed corpora.
#   bash Tests/Fuzz/run.sh [SECONDS] [TARGET…]
# Libraries are built with -sanitize=fuzzer,address into .build-fuzz/; the
# fuzz entry files are linked against them. Findings (crashes, timeouts over
# 1 s, leaks) are written to .build-fuzz/findings/TARGET/ and the script exits
# non-zero; a summary line per target gives executions and findings.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH="${1:-60}"; shift || true
ALL=(safetensors torch config tokenizer-json vocab spm corpus corpus-rows theme tour tour-messages keys encode-wordpiece encode-unigram encode-bpe)
TARGETS=("${@:-${ALL[@]}}")
SCRATCH="${FUZZ_SCRATCH:-.build-fuzz}"
export SWIFT_BACKTRACE=enable=no
export LSAN_OPTIONS="suppressions=$PWD/Tests/Fuzz/lsan.supp"
swift build -c release --scratch-path "$SCRATCH" --target WorkbenchUI -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address 2>&1 | grep -E "error|Build" || true
swift build -c release --scratch-path "$SCRATCH" --target Analysis -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address 2>&1 | grep -E "error|Build" || true
swift build -c release --scratch-path "$SCRATCH" --target CorpusText -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address 2>&1 | grep -E "error|Build" || true
OBJECTS=()
for m in SafeIO CFaults CKernels Checkpoint Tokenizers Encoder Analysis Session Figures TextCells WorkbenchUI CorpusText; do OBJECTS+=("$SCRATCH"/release/"$m".build/*.o); done
mkdir -p "$SCRATCH/bin" "$SCRATCH/findings"
status=0
for t in "${TARGETS[@]}"; do
  entry="Tests/Fuzz/targets/$t.swift"; env_extra=()
  case "$t" in
    encode-wordpiece) entry=Tests/Fuzz/targets/encode.swift; env_extra=(FUZZ_TOKENIZER=Tests/Fixtures/models/tiny-bert) ;;
    encode-unigram) entry=Tests/Fuzz/targets/encode.swift; env_extra=(FUZZ_TOKENIZER=Tests/Fixtures/models/tiny-xlm-roberta-mlm) ;;
    encode-bpe) entry=Tests/Fuzz/targets/encode.swift; env_extra=(FUZZ_TOKENIZER=Tests/Fixtures/models/tiny-roberta-mlm) ;;
  esac
  bin="$SCRATCH/bin/fuzz-$t"
  swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name "Fuzz_${t//-/_}" -I "$SCRATCH/release/Modules" \
    -Xcc -fmodule-map-file="$SCRATCH/release/CKernels.build/module.modulemap" -Xcc -fmodule-map-file="$SCRATCH/release/CFaults.build/module.modulemap" \
    -Xcc -ISources/CKernels/include -Xcc -ISources/CFaults/include \
    -Xcc -fmodule-map-file=Sources/CPNG/module.modulemap -Xcc -fmodule-map-file=Sources/CFreeType/module.modulemap \
    $(pkg-config --cflags-only-I libpng freetype2 | sed 's/-I/-Xcc -I/g') \
    "$entry" Tests/Fuzz/targets/FuzzFile.swift "${OBJECTS[@]}" -lm -lpng16 -lfreetype -o "$bin" 2>&1 | grep -v "Cannot export local symbol" | grep -E "error" && { status=1; continue; }
  work="$SCRATCH/corpus/$t"; findings="$SCRATCH/findings/$t"
  rm -rf "$findings"; mkdir -p "$work" "$findings"
  log="$SCRATCH/fuzz-$t.log"
  env "${env_extra[@]}" "$bin" -max_total_time="$SECONDS_EACH" -timeout=1 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$findings/" -print_final_stats=1 "$work" "Tests/Fuzz/corpus/$t" > "$log" 2>&1 || true
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  found=$(find "$findings" -type f | wc -l)
  printf '%-18s %12s executions  %3d findings  (%s s)\n' "$t" "$execs" "$found" "$SECONDS_EACH"
  [ "$found" -eq 0 ] || status=1
done
exit $status
