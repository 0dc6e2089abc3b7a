#!/usr/bin/env python3
"""Writes the fuzz seed corpora (Tests/Fuzz/corpus/<target>/) from the test
fixtures, small enough for fast mutation. Standard library only; rerun after
the fixtures change: python3 Tests/Fuzz/make_seeds.py"""
import io, json, os, pickle, shutil, struct, sys, types, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "Fixtures")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def safetensors(tensors, meta=None):
    header, blob, off = {}, b"", 0
    if meta:
        header["__metadata__"] = meta
    for name, (dtype, shape, data) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [off, off + len(data)]}
        blob += data
        off += len(data)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + blob


# Fake torch modules, so pickle writes the same GLOBALs torch.save does.
torch = types.ModuleType("torch"); utils = types.ModuleType("torch._utils")
sys.modules["torch"] = torch; sys.modules["torch._utils"] = utils
class FloatStorage: pass
class HalfStorage: pass
FloatStorage.__module__ = HalfStorage.__module__ = "torch"
torch.FloatStorage, torch.HalfStorage, torch._utils = FloatStorage, HalfStorage, utils
def _rebuild_tensor_v2(*a): pass
_rebuild_tensor_v2.__module__ = "torch._utils"
utils._rebuild_tensor_v2 = _rebuild_tensor_v2


class Storage:
    def __init__(self, key, kind, numel): self.key, self.kind, self.numel = key, kind, numel


class Tensor:
    def __init__(self, storage, offset, shape, strides): self.args = (storage, offset, tuple(shape), tuple(strides), False, {})
    def __reduce__(self): return (_rebuild_tensor_v2, self.args)


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", obj.kind, obj.key, "cpu", obj.numel)
        return None


def state_pickle(proto=2):
    s0, s1 = Storage("0", FloatStorage, 6), Storage("1", HalfStorage, 4)
    from collections import OrderedDict
    state = OrderedDict([("w", Tensor(s0, 0, [2, 3], [3, 1])), ("t", Tensor(s0, 1, [3, 2], [1, 3])), ("h", Tensor(s1, 0, [4], [1]))])
    buf = io.BytesIO()
    TorchPickler(buf, protocol=proto).dump(state)
    return buf.getvalue()


def torch_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", state_pickle())
        z.writestr("archive/byteorder", b"little")
        z.writestr("archive/data/0", struct.pack("<6f", 1, 2, 3, 4, 5, 6))
        z.writestr("archive/data/1", struct.pack("<4e", 1, 2, 3, 4))
        z.writestr("archive/version", b"3\n")
    return buf.getvalue()


def torch_legacy():
    out = io.BytesIO()
    for v in (0x1950A86A20F9469CFC6C, 1001, {"little_endian": True}):
        pickle.dump(v, out, protocol=2)
    out.write(state_pickle())
    pickle.dump(["0", "1"], out, protocol=2)
    out.write(struct.pack("<Q", 6) + struct.pack("<6f", 1, 2, 3, 4, 5, 6))
    out.write(struct.pack("<Q", 4) + struct.pack("<4e", 1, 2, 3, 4))
    return out.getvalue()


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    f32 = lambda *v: struct.pack("<%df" % len(v), *v)
    put("safetensors", "two", safetensors({"a": ("F32", [2, 2], f32(1, 2, 3, 4)), "b": ("F16", [2], struct.pack("<2e", 1, 2))}, {"format": "pt"}))
    put("safetensors", "bf16", safetensors({"x.weight": ("BF16", [1, 2], b"\x80\x3f\x00\x40"), "y": ("F64", [1], struct.pack("<d", 1))}))
    put("torch", "zip", torch_zip())
    put("torch", "legacy", torch_legacy())
    models = os.path.join(FIX, "models")
    for m in sorted(os.listdir(models)):
        cfg = os.path.join(models, m, "config.json")
        if os.path.exists(cfg):
            put("config", m, open(cfg, "rb").read())
        tok = os.path.join(models, m, "tokenizer.json")
        if os.path.exists(tok) and os.path.getsize(tok) < 64_000:
            put("tokenizer-json", m, open(tok, "rb").read())
    vocab = open(os.path.join(models, "tiny-bert", "vocab.txt"), "rb").read()
    put("vocab", "tiny-bert", vocab)
    put("vocab", "crlf", b"[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\na\r\n##b\r\n")
    for folder in sorted(os.listdir(os.path.join(FIX, "sentencepiece"))):
        d = os.path.join(FIX, "sentencepiece", folder)
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if name.endswith(".model") and os.path.getsize(os.path.join(d, name)) < 64_000:
                put("spm", folder + "-" + name, open(os.path.join(d, name), "rb").read())
    texts = ["The Café naïve résumé.", "中文 😀 [MASK] ﬁne", "a\u0301b\u200dc\tx\u00a0y", "It's bank-side, isn't it?", ""]
    for i, t in enumerate(texts):
        for target in ("encode-wordpiece", "encode-unigram", "encode-bpe"):
            put(target, str(i), t.encode() + (b"\x00second part" if i == 1 else b""))
    conllu = open(os.path.join(ROOT, "..", "Samples", "probing", "dev.conllu"), encoding="utf-8").read().split("\n\n")[:3]
    put("corpus", "conllu", "\n\n".join(conllu) + "\n\n")
    put("corpus", "tsv", "\x01The\tDET\ncat\tNOUN\n\nIt\tPRON\n")
    put("corpus-rows", "text", "The cat sat.\n\nA dog barked.\r\n")
    put("corpus-rows", "jsonl", '{"text": "A cat.", "label": 1}\n{"text": "B.", "pair": "C.", "label": "pos"}\nnot json\n')
    put("corpus-rows", "csv", 'id,text,label\n1,"Hello, world",pos\n2,"She said ""hi""\nand left",neg\n')
    put("corpus-rows", "tsv", "label\ttext\n1\tGreat film\n0\tAwful\n")
    put("corpus-rows", "conllu", "# label = x\n" + "\n\n".join(conllu) + "\n\n")
    for name in sorted(os.listdir(os.path.join(ROOT, "..", "Themes"))):
        put("theme", name, open(os.path.join(ROOT, "..", "Themes", name), "rb").read())
    for name in sorted(n for n in os.listdir(os.path.join(ROOT, "..", "Samples", "tours")) if n.endswith(".tour")):
        put("tour", name, open(os.path.join(ROOT, "..", "Samples", "tours", name), "rb").read())
    put("tour", "crlf", b"title = x\r\n[step]\r\ntext = a\u2028b\r\nmasks = 1,1\r\n> c\r\n".replace(b"\\u2028", "\u2028".encode()))
    # tour-messages: what `bertscope tour` prints, from tours that try to reach the terminal.
    hostile = b"\x1b[2J\x1b]0;title\x07\x1b]52;c;aGk=\x07\x7f\xc2\x9b31m"
    put("tour-messages", "wordpiece.tour", open(os.path.join(ROOT, "..", "Samples", "tours", "wordpiece.tour"), "rb").read())
    put("tour-messages", "title-and-check", b"title = T " + hostile + b"\n[step]\ntext = hi\ncheck = token 1 is " + hostile + b"\n> c\n")
    put("tour-messages", "bad-line", b"[step]\nbad " + hostile + b" line\n")
    put("tour-messages", "bad-value", b"[step]\npane = " + hostile + b"\nlayer = \x1b[0\n")
    put("tour-messages", "bom-crlf", b"\xef\xbb\xbftitle = x\r\n[step]\r\ncheck = a\xc2\x85b\r\n> c\r\n")
    for i, k in enumerate([b"hi\x1bq", b"\x1b[200~paste\x1b[201~", b"\x1bP1$r0m\x1b\\", b"\x1b[1;5C\x1bOA", b"\x1b]11;rgb:0/0/0\x07"]):
        put("keys", str(i), k)


main()
