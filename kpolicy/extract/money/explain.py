"""Explanation text: money formatted for people, sentences built from clauses."""

from __future__ import annotations

from typing import Any



def _trim(x: float) -> str:
    return f"{x:,.4f}".rstrip("0").rstrip(".")


def format_money(value: float, currency: str = "KRW") -> str:
    """Human form of an amount: 1.2e13 -> "12 trillion won", 1e25 -> "1×10^25 won"."""
    unit = "won" if currency == "KRW" else currency
    a = abs(value)
    if a >= 1e16:
        mant, exp = f"{value:.3e}".split("e")
        return f"{_trim(float(mant))}×10^{int(exp)} {unit}"
    for div, name in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if a >= div:
            return f"{_trim(value / div)} {name} {unit}"
    return f"{_trim(value)} {unit}"


def _sig_digits(value: float) -> tuple[str, int]:
    """Significant digits (up to 15) and exponent of the last one: 5.77e12 -> ("577", 10)."""
    mantissa, exp = f"{abs(value):.14e}".split("e")
    digits = mantissa.replace(".", "").rstrip("0") or "0"
    return digits, int(exp) - len(digits) + 1


def _mantissa_key(value: float) -> str:
    """The value's digits without its scale: 5.77e11 and 5.77e12 share "5.770000000000"."""
    return f"{value:.12e}".split("e")[0]


def _sentence(clauses: list[str]) -> str:
    text = "; ".join(clauses)
    return text[:1].upper() + text[1:] + "."


def _recon_explanation(rows: list[dict[str, Any]], rec: Any) -> str:
    """One sentence for a reconciliation (``rec`` is a reconcile._Recon)."""
    t = rows[rec.total]
    n = len(rec.parts)
    listed = ", ".join(f"'{rows[p]['surface']}'" for p in rec.parts)
    if rec.is_consistent:
        return (f"The {n} amounts {listed} add up to {format_money(rec.parts_sum)}, matching the "
                f"stated total '{t['surface']}' as written.")
    if rec.scale_factor is not None:
        return (f"The {n} amounts {listed} add up to {format_money(rec.parts_sum)}, which matches the "
                f"stated total '{t['surface']}' only when multiplied by {rec.scale_factor:g}, so one side "
                "was probably mis-scaled in translation.")
    return (f"The stated total '{t['surface']}' ({format_money(float(t['amount_krw']))}) is smaller than "
            f"the {n} amounts listed after it ({listed}), which add up to {format_money(rec.parts_sum)}; "
            "no power of ten reconciles them.")
