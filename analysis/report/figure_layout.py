"""Figure plumbing: one style, saving (PNG, SVG on request), scatter samples, and labels that never overlap.

Layout is matplotlib's constrained layout, run once by the first draw and then frozen, so label
boxes measured with the renderer are the boxes in the saved file (and each format renders once,
unlike `bbox_inches="tight"`, which renders every figure twice).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

from analysis.report.captions import MAX_POINTS

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axis import Axis  # noqa: E402
from matplotlib.text import Annotation, Text  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

STYLE = {"figure.figsize": (8, 5), "figure.dpi": 110, "figure.constrained_layout.use": True, "axes.grid": True,
         "grid.alpha": 0.3, "axes.spines.top": False, "axes.spines.right": False, "font.size": 10,
         "axes.titlesize": 11, "text.usetex": False}  # never TeX: texts from the Hub are drawn as plain text
POINT = {"s": 8, "alpha": 0.35, "color": "#1f77b4", "linewidths": 0, "rasterized": True}
LINE = "#d62728"
PNG = {"compress_level": 3}
OFFSETS = [(6, 6), (6, -14), (-6, 6), (-6, -14), (10, 18), (10, -26), (-10, 18), (-10, -26), (0, 30), (0, -38)]


def sample_points(data: pd.DataFrame) -> pd.DataFrame:
    """A random MAX_POINTS rows, in table order (drawn: a scatter; the statistics use every row)."""
    if len(data) <= MAX_POINTS:
        return data
    return data.iloc[np.sort(np.random.default_rng(0).choice(len(data), MAX_POINTS, replace=False))]


@dataclass
class Figures:
    """Where figures go and in which formats; collects the file names written."""

    directory: Path
    svg: bool = False
    keep: bool = False  # tests: keep the figures open to measure their text boxes
    files: list[str] = field(default_factory=list)
    kept: dict[str, plt.Figure] = field(default_factory=dict)

    def save(self, fig: plt.Figure, name: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if fig.get_layout_engine() is not None:  # not yet laid out (place_labels lays out and freezes)
            measure(fig)
        for ext in ("png", "svg") if self.svg else ("png",):
            # zlib level 3, not Pillow's 6: half the encoding time, files within a few percent either way
            fig.savefig(self.directory / f"{name}.{ext}", **({"pil_kwargs": PNG} if ext == "png" else {}))
            self.files.append(f"{name}.{ext}")
        if self.keep:
            self.kept[name] = fig
        else:
            plt.close(fig)


def plain(text: str) -> str:
    """Text from the Hub (a model type, an id) for a matplotlib label that mathtext may parse (tick labels,
    which matplotlib's own log axes need parsed): each `$` escaped, so `$\\frac{$x` is drawn as written and
    never parsed as mathtext (which would fail the figure). Labels made here pass `parse_math=False`."""
    return text.replace("$", r"\$")


def log_ticks(axis: Axis) -> None:
    """A log axis labelled at 1, 2 and 5 times each power of ten, as plain numbers (0.5, 2, 100), so a
    range of a decade or two shows more than two labels; minor ticks unlabelled."""
    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axis.set_minor_formatter(NullFormatter())


def legend_outside(fig: plt.Figure, ax: plt.Axes) -> None:
    """The legend below the axis label, off the data (constrained layout makes room for it)."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=min(3, len(handles)), fontsize=8,
                   frameon=False)


def no_data(ax: plt.Axes) -> None:
    """A figure without data says so in its middle (the report states why: "not enough data"); its axes
    stay linear (a log axis without data fails to place its ticks)."""
    ax.text(0.5, 0.5, "not enough data", transform=ax.transAxes, ha="center", va="center", color="#666")


def measure(fig: plt.Figure) -> None:
    """Run the layout once (text boxes become measurable) and freeze it; what the layout ignores (the
    scatter points, `set_in_layout(False)`) is not drawn for it. Frozen means no layout engine at all:
    with one (even matplotlib's "none" placeholder) every savefig draws the figure twice."""
    hidden = [a for ax in fig.axes for a in ax.collections if not a.get_in_layout() and a.get_visible()]
    for artist in hidden:
        artist.set_visible(False)
    try:
        fig.draw_without_rendering()
    finally:
        for artist in hidden:
            artist.set_visible(True)
    with plt.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)  # under these rc values: no engine (not a placeholder)


def visible_texts(fig: plt.Figure) -> list[Text]:
    """Every non-empty text a figure draws: titles, axis and tick labels, legends, annotations (tick
    labels of ticks outside the axis' view exist as objects but are never drawn: left out)."""
    undrawn: set[int] = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            slack = 1e-9 * (high - low)
            for ticks, locations in ((axis.get_major_ticks(), axis.get_majorticklocs()),
                                     (axis.get_minor_ticks(), axis.get_minorticklocs())):
                for tick, location in zip(ticks, locations, strict=False):
                    if not low - slack <= location <= high + slack:
                        undrawn.update((id(tick.label1), id(tick.label2)))
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip() and t.get_figure() is fig
            and id(t) not in undrawn]


def overlapping_texts(fig: plt.Figure) -> list[tuple[str, str]]:
    """Pairs of visible texts whose rendered boxes intersect (measured with the figure's renderer)."""
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in visible_texts(fig)]
    return [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1:]
            if _intersect(box_a, box_b)]


def _intersect(a: Bbox, b: Bbox) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def place_labels(fig: plt.Figure, ax: plt.Axes, points: list[tuple[float, float, str]]) -> list[Annotation]:
    """Annotate points, moving each label among candidate offsets until it overlaps nothing already
    drawn (other labels, titles, ticks, legend); a label that fits nowhere is left out."""
    measure(fig)
    renderer = fig.canvas.get_renderer()
    taken = [t.get_window_extent(renderer) for t in visible_texts(fig)]
    legend = ax.get_legend()
    if legend is not None:
        taken.append(legend.get_window_extent(renderer))
    inside = ax.get_window_extent(renderer)
    placed = []
    for x, y, text in points:
        label = ax.annotate(text, (x, y), xytext=OFFSETS[0], textcoords="offset points", fontsize=7,
                            parse_math=False)  # a model id is plain text, never mathtext
        for dx, dy in OFFSETS:
            label.set_position((dx, dy))
            label.set_horizontalalignment("left" if dx >= 0 else "right")
            box = label.get_window_extent(renderer)
            fits = inside.x0 <= box.x0 and box.x1 <= inside.x1 and inside.y0 <= box.y0 and box.y1 <= inside.y1
            if fits and not any(_intersect(box, other) for other in taken):
                taken.append(box)
                placed.append(label)
                break
        else:
            label.remove()
    for label in placed:  # a thin leader line from each label to its point
        label.arrow_patch = None
        ax.annotate("", (label.xy), xytext=label.get_position(), textcoords="offset points",
                    arrowprops={"arrowstyle": "-", "color": "#999", "lw": 0.5, "shrinkB": 0})
    return placed
