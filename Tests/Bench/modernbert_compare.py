"""BertScope vs ONNX Runtime vs PyTorch (sdpa and eager) on ModernBERT shapes
at long inputs: a forward pass returning every hidden state (no attention
maps: at 8,192 tokens one layer's maps are 3.2 GB, every layer's 70 GB, so
BertScope runs `bench --no-maps` and the peers return hidden states only),
batch 1, 2 threads, same machine.

Shapes, random weights written once to $BERTSCOPE_BENCH_DIR (default
~/.cache/bertscope-bench): ModernBERT-base (22 layers × 768, 12 heads, GeGLU
1,152, global attention every 3rd layer, a 128-token local window) and
ModernBERT-large (28 × 1,024, 16 heads, 2,624). Every engine × shape × length
runs in a fresh process, which reports its median and its own peak resident
memory (VmHWM), so one engine's allocations never count against another.

  python Tests/Bench/modernbert_compare.py [--sizes 512,2048,8192] [--large-sizes 512,2048,8192]
      [--engines bertscope,ort,sdpa,eager] [--iterations 3]   (venv: torch, transformers, onnxruntime, onnx)
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

from timing import median_ms  # Tests/Bench/timing.py: standard library only

CACHE = os.environ.get("BERTSCOPE_BENCH_DIR", os.path.expanduser("~/.cache/bertscope-bench"))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHAPES = {"modernbert-base": (22, 768, 12, 1152), "modernbert-large": (28, 1024, 16, 2624)}


def model_dir(name):
    """A random ModernBERT of this shape in standard layout (the tiny fixture's tokenizer: ids stay below 700)."""
    import torch
    from transformers import ModernBertConfig, ModernBertModel
    d = os.path.join(CACHE, name)
    if not os.path.exists(os.path.join(d, "model.safetensors")):
        layers, hidden, heads, ff = SHAPES[name]
        torch.manual_seed(0)
        c = ModernBertConfig(vocab_size=50368, hidden_size=hidden, num_hidden_layers=layers,
                             num_attention_heads=heads, intermediate_size=ff, max_position_embeddings=8192,
                             local_attention=128, global_attn_every_n_layers=3)
        ModernBertModel(c).eval().save_pretrained(d, safe_serialization=True)
        for f in ("tokenizer.json", "tokenizer_config.json"):
            shutil.copy(os.path.join(ROOT, "Tests/Fixtures/models/tiny-modernbert-mlm", f), d)
    return d


def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def onnx_path(d, name):
    """ModernBertModel exported with every hidden state as an output (TorchScript exporter, eager attention)."""
    import torch
    from transformers import ModernBertModel
    path = os.path.join(CACHE, name + ".onnx")
    if os.path.exists(path):
        return path

    class Hidden(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, ids):
            return tuple(self.m(input_ids=ids, output_hidden_states=True).hidden_states)

    m = Hidden(ModernBertModel.from_pretrained(d, attn_implementation="eager").eval())
    L = m.m.config.num_hidden_layers
    names = [f"hidden_{i}" for i in range(L + 1)]
    axes = {"ids": {1: "n"}, **{n: {1: "n"} for n in names}}
    ids = torch.ones(1, 300, dtype=torch.long)  # longer than the window, so the export keeps the band mask general
    torch.onnx.export(m, (ids,), path, input_names=["ids"], output_names=names, dynamic_axes=axes,
                      opset_version=17, dynamo=False)
    return path


def child(engine, name, n, iterations):
    """One measurement in this process: prints {"ms", "peak_mb"}."""
    import numpy as np
    d = model_dir(name)
    ids = np.random.default_rng(n).integers(10, 690, size=(1, n)).astype(np.int64)
    if engine == "ort":
        import onnxruntime as ort
        so = ort.SessionOptions()
        so.intra_op_num_threads, so.inter_op_num_threads = 2, 1
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        sess = ort.InferenceSession(onnx_path(d, name), so, providers=["CPUExecutionProvider"])
        ms = median_ms(lambda: sess.run(None, {"ids": ids}), iterations)
    else:
        import torch
        from transformers import ModernBertModel
        torch.set_num_threads(2)
        m = ModernBertModel.from_pretrained(d, attn_implementation=engine).eval()
        t = torch.from_numpy(ids)
        with torch.no_grad():
            ms = median_ms(lambda: m(input_ids=t, output_hidden_states=True), iterations)
    print(json.dumps({"ms": ms, "peak_mb": peak_mb()}))


def bertscope(binary, name, n, iterations):
    out = subprocess.run([binary, "bench", "--model", model_dir(name), "--tokens", str(n), "--iterations",
                          str(iterations), "--threads", "2", "--no-maps", "--json"],
                         capture_output=True, text=True, check=True)
    o = json.loads(out.stdout)
    return o["median_ms"], o["peak_rss_mb"], o.get("layers")


def measure(args, engine, name, n):
    if engine == "bertscope":
        return bertscope(args.bertscope, name, n, args.iterations)
    r = subprocess.run([sys.executable, __file__, "--child", engine, name, str(n), str(args.iterations)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, None, (r.stderr.strip().splitlines() or ["failed"])[-1][:80]
    o = json.loads(r.stdout.strip().splitlines()[-1])
    return o["ms"], o["peak_mb"], None


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        return child(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    ap = argparse.ArgumentParser()
    ap.add_argument("--bertscope", default=os.path.join(ROOT, ".build/release/bertscope"))
    ap.add_argument("--sizes", default="512,2048,8192")
    ap.add_argument("--large-sizes", default="512,2048,8192")
    ap.add_argument("--engines", default="bertscope,ort,sdpa,eager")
    ap.add_argument("--iterations", type=int, default=3)
    args = ap.parse_args()
    engines = args.engines.split(",")
    print(f"{'model':<18}{'tokens':>7}" + "".join(f"{e + ' ms':>14}{'peak MB':>9}" for e in engines), flush=True)
    runs = [("modernbert-base", args.sizes), ("modernbert-large", args.large_sizes)]
    for name, sizes in runs:
        for n in [int(s) for s in sizes.split(",") if s]:
            row, notes = f"{name:<18}{n:>7}", []
            for e in engines:
                ms, peak, note = measure(args, e, name, n)
                row += f"{ms:>14.0f}{peak:>9.0f}" if ms is not None else f"{'failed':>14}{'':>9}"
                if e == "bertscope" and note:
                    notes.append(f"local {note['local_ms']:.0f} ms, global {note['global_ms']:.0f} ms a layer")
                elif note:
                    notes.append(f"{e}: {note}")
            print(row + ("  " + "; ".join(notes) if notes else ""), flush=True)


if __name__ == "__main__":
    sys.exit(main())
