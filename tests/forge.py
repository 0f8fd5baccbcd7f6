#!/usr/bin/env python3
"""Appends a revision to a signed PDF, as a forger (or a careless tool) would.

    forge.py KIND IN.pdf OUT.pdf

KIND is `annotation` (a sticky note on page 1), `content` (more text drawn
on page 1), or `field` (a new text field on page 1). The update is written
with pyHanko's incremental writer, so the earlier revisions, and their
signatures, stay intact: only what the update changes can tell.
"""

import sys

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import ArrayObject, DictionaryObject, NameObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter


def rect(*numbers):
    return ArrayObject([generic.FloatObject(n) for n in numbers])


def forge(kind, source, target):
    with open(source, "rb") as f:
        writer = IncrementalPdfFileWriter(f)
        page_ref, _ = writer.find_page_for_modification(0)
        page = page_ref.get_object()
        if kind == "annotation":
            note = writer.add_object(
                DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/Annot"),
                        NameObject("/Subtype"): NameObject("/Text"),
                        NameObject("/Rect"): rect(50, 50, 70, 70),
                        NameObject("/Contents"): generic.TextStringObject("Approved"),
                    }
                )
            )
            annots = page.get("/Annots", ArrayObject())
            annots.append(note)
            page[NameObject("/Annots")] = annots
            writer.update_container(page)
        elif kind == "content":
            extra = writer.add_object(generic.StreamObject(stream_data=b"0 0 1 rg 50 50 100 20 re f"))
            contents = page.raw_get("/Contents")
            if isinstance(contents.get_object(), generic.ArrayObject):
                listed = list(contents.get_object())
            else:
                listed = [contents]
            page[NameObject("/Contents")] = ArrayObject(listed + [extra])
            writer.update_container(page)
        elif kind == "field":
            field = writer.add_object(
                DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/Annot"),
                        NameObject("/Subtype"): NameObject("/Widget"),
                        NameObject("/FT"): NameObject("/Tx"),
                        NameObject("/T"): generic.TextStringObject("Note"),
                        NameObject("/Rect"): rect(50, 50, 200, 70),
                        NameObject("/P"): page_ref,
                    }
                )
            )
            annots = page.get("/Annots", ArrayObject())
            annots.append(field)
            page[NameObject("/Annots")] = annots
            writer.update_container(page)
            form = writer.root["/AcroForm"]
            form["/Fields"].append(field)
            writer.update_container(form)
        else:
            raise SystemExit(f"unknown kind {kind}")
        with open(target, "wb") as out:
            writer.write(out)


if __name__ == "__main__":
    forge(*sys.argv[1:4])
