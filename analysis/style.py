"""One look for every teepsim figure: sizes, fonts, colours, line styles, and how figures are
saved (PNG for screens and the HTML report, PDF and SVG for drafts).

Simulation is drawn solid with markers, theory dashed in the same colour; confidence intervals
are error bars or a light band. Legends go outside the axes (below them) when they would cover
data, and figures are saved with a tight bounding box so that nothing is clipped.
"""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

FORMATS = ("png", "pdf", "svg")
DPI = 150
SINGLE = (6.4, 4.2)  # one panel, about a column of an A4 page
PANEL = (4.0, 3.2)  # one panel of a grid
SIM = {"linestyle": "-", "marker": "o", "markersize": 4, "linewidth": 1.4}
THEORY = {"linestyle": "--", "linewidth": 1.2}
THRESHOLD = {"color": "black", "linestyle": ":", "linewidth": 1.0}

plt.rcParams.update({
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "legend.framealpha": 0.9,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.prop_cycle": matplotlib.cycler(color=[
        "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
        "#000000"]),  # Okabe-Ito: distinguishable with colour-vision deficiencies and in grey
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.05,
    "svg.fonttype": "none",  # text stays text in SVG
    "pdf.fonttype": 42,  # TrueType in PDF, as publishers ask
})


def colors():
    return plt.rcParams["axes.prop_cycle"].by_key()["color"]


def figure(rows=1, cols=1, size=None, **kw):
    if size is None:
        size = SINGLE if rows == cols == 1 else (PANEL[0] * cols, PANEL[1] * rows)
    return plt.subplots(rows, cols, figsize=size, squeeze=False, **kw)


def legend_below(fig, axes, handles=None, labels=None, ncol=None):
    """A legend below the figure, outside every axes: it never hides data and, with the tight
    bounding box of save(), is never clipped."""
    if handles is None:
        handles, labels = [], []
        for ax in axes:
            for h, lab in zip(*ax.get_legend_handles_labels()):
                if lab not in labels and not lab.startswith("_"):
                    handles.append(h)
                    labels.append(lab)
    if not handles:
        return None
    ncol = ncol or min(len(handles), 3)
    return fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=ncol,
                      frameon=False)


def save(fig, outdir, name, written, formats=None):
    """Writes NAME.<ext> for every format (default: FORMATS) into outdir; appends the path of the
    first (PNG) to written."""
    fig.tight_layout()
    for ext in formats or FORMATS:
        path = os.path.join(outdir, f"{name}.{ext}")
        fig.savefig(path, dpi=DPI)
    written.append(os.path.join(outdir, f"{name}.{(formats or FORMATS)[0]}"))
    plt.close(fig)


def close(fig):
    plt.close(fig)
