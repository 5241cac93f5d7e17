"""The one way to show an amount of money: ``{{ value|money }}``.

Thousands separated, no needless decimals: 90000 → 90,000; 20000.00 → 20,000;
1234.5 → 1,234.50; None or "" → "". A template builtin (settings.TEMPLATES), so every
template has it without a ``{% load %}``.
"""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter(is_safe=True)
def money(value):
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    if not amount.is_finite():
        return ""
    amount = amount.quantize(Decimal("0.01"))
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"
