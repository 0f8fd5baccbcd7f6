#!/usr/bin/env python3
"""Checks PDFs against every standard they claim, with an independent checker.

    conformance.py FILE.pdf ...

For each file, reads the claims of its XMP metadata (pdfaid:part and
conformance, pdfuaid:part) and validates the file against each with `page`
(PyPI `page-validation`, a PDF/A and PDF/UA checker that passes the veraPDF
corpus). Prints one JSON object: for each file, its claims and, for each
claim, the checker's findings.

A finding is marked `excluded` only when this script shows, with tools that
read the file independently, that the checker misread it; the reason says
what was measured. Two such misreadings are known (page-validation 0.11.0):

* GLYPH-WIDTH on a CID-keyed CFF font (Noto Sans CJK): the checker reads a
  glyph's width from the font's top-level Private dict, which a CID-keyed
  font does not have, and gets 0; the width lives in the Private dict of
  the glyph's font dict (FDArray, chosen by FDSelect). fontTools reads every
  glyph's width that way and must find exactly the widths /W declares.
* STREAM-LENGTH on a stream whose data happen to end in a carriage return
  (0x0D): /Length counts the data exactly and a line feed follows, but the
  checker takes the data's last byte for part of a CR LF end-of-line marker.
  The raw bytes must show the data, /Length long, ending in CR, followed by
  LF and `endstream`.

One rule the checker applies as PDF/A-1 wrote it, and this script checks
as PDF/A-2 and -3 do (veraPDF reads ISO 19005-2 §6.4.3 so): a file signed
more than once (a certified report, then countersigned) has signatures
that each cover their own revision, not the whole file.

* SIGNATURE-BYTERANGE: each signature's /ByteRange must start at 0, leave
  out exactly its /Contents hex string, and end where a revision of the
  file ends (after its `%%EOF` and end of line); the last revision must be
  covered by the last signature, or add no more than validation data: the
  objects written after the last signature are the document security
  store, the streams it lists, and the catalog, whose only change is its
  /DSS. pikepdf reads each signature dictionary, the file as the last
  signature covers it and the objects after; the raw bytes show the rest.

Needs: page-validation, pikepdf, fonttools.
"""

import io
import json
import re
import sys

import page
import pikepdf
from fontTools.cffLib import CFFFontSet
from fontTools.misc.psCharStrings import T2WidthExtractor


def claims(pdf):
    """The profiles the file claims, as page names them ('2b', 'ua1')."""
    xmp = pdf.Root.get("/Metadata")
    text = xmp.read_bytes().decode("utf-8", "replace") if xmp is not None else ""

    def field(name):
        m = re.search(rf"<{name}>([^<]*)</{name}>", text) or re.search(
            rf'{name}="([^"]*)"', text
        )
        return m.group(1).strip() if m else None

    out = []
    part, conformance = field("pdfaid:part"), field("pdfaid:conformance")
    if part:
        out.append(f"{part}{(conformance or '').lower()}")
    if field("pdfuaid:part") == "1":
        out.append("ua1")
    return out


def widths(cid_font):
    """The widths /W and /DW declare, as a function of the CID."""
    default = float(cid_font.get("/DW", 1000))
    table = {}
    w = list(cid_font.get("/W", []))
    i = 0
    while i < len(w):
        first = int(w[i])
        if isinstance(w[i + 1], pikepdf.Array):
            for k, v in enumerate(w[i + 1]):
                table[first + k] = float(v)
            i += 2
        else:
            last, v = int(w[i + 1]), float(w[i + 2])
            for c in range(first, last + 1):
                table[c] = v
            i += 3
    return lambda cid: table.get(cid, default)


def glyph_width_evidence(pdf, message):
    m = re.search(r"font object (\d+) (\d+)", message)
    if not m:
        return None
    font = pdf.get_object((int(m.group(1)), int(m.group(2))))
    cid_font = font.DescendantFonts[0] if "/DescendantFonts" in font else font
    program = cid_font.FontDescriptor.get("/FontFile3")
    if program is None:
        return None
    cff = CFFFontSet()
    cff.decompile(io.BytesIO(program.read_bytes()), None)
    top = cff[cff.fontNames[0]]
    if not hasattr(top, "FDArray"):
        return None
    declared = widths(cid_font)
    strings = top.CharStrings
    checked = 0
    for name in top.charset:
        cid = 0 if name == ".notdef" else int(name[3:])
        charstring, selector = strings.getItemAndSelector(name)
        private = top.FDArray[selector].Private
        extractor = T2WidthExtractor(
            getattr(private, "Subrs", []),
            charstring.globalSubrs,
            private.nominalWidthX,
            private.defaultWidthX,
        )
        extractor.execute(charstring)
        if abs(extractor.width - declared(cid)) > 0.5:
            return None
        checked += 1
    return (
        f"fontTools reads all {checked} glyph widths of this CID-keyed CFF font "
        "from the Private dicts of its FDArray, and each equals /W; the checker "
        "read the font's (absent) top-level Private dict"
    )


def stream_length_evidence(pdf, raw, object_id):
    if object_id is None:
        return None
    number, generation = object_id.object_number, object_id.generation
    stream = pdf.get_object((number, generation))
    if not isinstance(stream, pikepdf.Stream):
        return None
    length = int(stream.stream_dict.Length)
    for m in re.finditer(rb"(?<![0-9])%d %d obj" % (number, generation), raw):
        start = raw.find(b"stream", m.end())
        data = start + len(b"stream")
        if raw[data : data + 2] == b"\r\n":
            data += 2
        elif raw[data : data + 1] == b"\n":
            data += 1
        else:
            continue
        end = data + length
        if raw[end - 1 : end] == b"\r" and raw[end : end + 10] == b"\nendstream":
            return (
                f"the stream's data are exactly /Length ({length}) bytes, end in "
                "CR (0x0D) and are followed by LF and endstream; the checker took "
                "the data's last byte for part of a CR LF end-of-line marker"
            )
    return None


def signature_byterange_evidence(pdf, raw):
    ends = []
    for m in re.finditer(rb"%%EOF(\r\n|\r|\n)?", raw):
        ends.append(m.end())
    covered = []
    fields = pdf.Root.get("/AcroForm", {}).get("/Fields", [])
    for field in fields:
        value = field.get("/V")
        if field.get("/FT") != "/Sig" or value is None:
            continue
        a0, a, b, c = (int(n) for n in value.ByteRange)
        if a0 != 0 or not (0 < a < b):
            return None
        contents = bytes(value.Contents)
        hex_text = raw[a:b]
        if hex_text[:1] != b"<" or hex_text[-1:] != b">":
            return None
        if bytes.fromhex(hex_text[1:-1].decode("ascii")).rstrip(b"\0") != contents.rstrip(b"\0"):
            return None
        if b + c not in ends:
            return None
        covered.append(b + c)
    if not covered:
        return None
    last = max(covered)
    if last != len(raw) and not only_validation_data(pdf, raw, last):
        return None
    if len(covered) < 2 and last == len(raw):
        return None
    tail = (
        "the last covers the whole file"
        if last == len(raw)
        else f"the {len(raw) - last} bytes after the last add only validation data (/DSS)"
    )
    return (
        f"each of the file's {len(covered)} signatures covers its own revision, "
        f"from byte 0 to the end of that revision ({', '.join(map(str, sorted(covered)))} "
        f"of {len(raw)} bytes), leaving out exactly its /Contents; {tail}"
    )


def only_validation_data(pdf, raw, end):
    """Whether the objects written after byte `end` are the document
    security store, the streams it lists, and the catalog changed in its
    /DSS alone."""
    dss = pdf.Root.get("/DSS")
    if dss is None:
        return False
    allowed = {dss.objgen}
    for key in ("/Certs", "/OCSPs", "/CRLs"):
        for item in dss.get(key, []):
            allowed.add(item.objgen)
    before = pikepdf.open(io.BytesIO(raw[:end]))
    root = pdf.Root.objgen
    for m in re.finditer(rb"(?m)^(\d+) (\d+) obj\b", raw[end:]):
        objgen = (int(m.group(1)), int(m.group(2)))
        if objgen in allowed:
            continue
        if objgen != root:
            return False
        old, new = before.Root, pdf.Root
        keys = (set(old.keys()) | set(new.keys())) - {"/DSS"}
        if any(repr(old.get(k)) != repr(new.get(k)) for k in keys):
            return False
    return True


def check(path):
    raw = open(path, "rb").read()
    pdf = pikepdf.open(path)
    result = {"file": path, "claims": claims(pdf), "profiles": []}
    for profile in result["claims"]:
        report = page.validate_pdf(path, profile=profile)
        findings = []
        for f in report.failures:
            reason = None
            if f.rule_id.endswith("GLYPH-WIDTH-001"):
                reason = glyph_width_evidence(pdf, f.message)
            elif f.rule_id.endswith("STREAM-LENGTH-001"):
                reason = stream_length_evidence(pdf, raw, f.object_id)
            elif f.rule_id.endswith("SIGNATURE-BYTERANGE-001"):
                reason = signature_byterange_evidence(pdf, raw)
            findings.append({"rule": f.rule_id, "message": f.message, "excluded": reason})
        result["profiles"].append(
            {"profile": profile, "compliant": report.is_compliant, "findings": findings}
        )
    return result


if __name__ == "__main__":
    json.dump([check(p) for p in sys.argv[1:]], sys.stdout, ensure_ascii=False, indent=1)
    print()
