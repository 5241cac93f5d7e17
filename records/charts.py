"""Bar charts as geometry for server-drawn SVG (no JavaScript chart library).

Colours are presentation attributes on the shapes, not classes: WeasyPrint's SVG renderer
does not apply the page's stylesheet inside the SVG, and the CSP forbids inline styles.

The templates draw the shapes; labels go through the template engine, so user text (a
district's or a project's name) is escaped like any other text.
"""

WIDTH = 360
LABEL_WIDTH = 120
LABEL_CHARS = 16
ROW_HEIGHT = 30
COLUMN_HEIGHT = 200


def bars(rows, width=WIDTH, label_width=LABEL_WIDTH, row_height=ROW_HEIGHT):
    """Horizontal bars for ``[(label, value)]``: one row each, the longest is full width."""
    top = max((value for _, value in rows), default=0) or 1
    room = width - label_width - 40
    out = []
    for i, (label, value) in enumerate(rows):
        length = room * value / top
        label = str(label)
        out.append(
            {
                "label": label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…",
                "value": value,
                "y": i * row_height,
                "text_y": i * row_height + row_height * 0.65,
                "x": label_width,
                "width": round(max(length, 1 if value else 0), 1),
                "value_x": round(label_width + length + 6, 1),
            }
        )
    return {"rows": out, "width": width, "height": len(rows) * row_height or row_height,
            "label_x": label_width - 8}


def columns(series, width=WIDTH, height=COLUMN_HEIGHT, every=1, x_title="", y_title=""):
    """Vertical columns for ``[(label, value)]``; every ``every``-th label is written.

    A baseline shows where zero is, so an empty month reads as none rather than as a column
    of "0"s; values are written only above columns that have one. ``x_title`` and
    ``y_title`` name the axes (below the labels, and above the columns on the left).
    """
    top = max((value for _, value in series), default=0) or 1
    pad = 24  # room for the end labels
    top_pad = 22 if y_title else 0
    slot = (width - 2 * pad) / max(len(series), 1)
    out = []
    last = len(series) - 1
    for i, (label, value) in enumerate(series):
        column_height = (height - 45) * value / top
        out.append(
            {
                "label": label,
                "value": value,
                "labelled": i in (0, last) or (i % every == 0 and last - i >= max(every - 1, 1)),
                "x": round(pad + i * slot + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": round(top_pad + height - 20 - column_height, 1),
                "height": round(column_height, 1),
                "cx": round(pad + i * slot + slot / 2, 1),
            }
        )
    return {
        "columns": out,
        "width": width,
        "height": top_pad + height + (22 if x_title else 0),
        "axis_y": top_pad + height - 4,
        "baseline_y": top_pad + height - 20,
        "pad": pad,
        "x_title": x_title,
        "x_title_x": width / 2,
        "x_title_y": top_pad + height + 16,
        "y_title": y_title,
    }
