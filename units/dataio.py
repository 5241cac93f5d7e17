"""The registry in and out of Excel: communities, member units and pairings.

Built on django-import-export (resources, widgets, its row results and ``skip_unchanged``)
with tablib datasets. What is ours:

- **Reading the file.** ``units.sheetfiles`` turns .xlsx, .xls and CSV into visible sheets
  and rows (openpyxl, xlrd, csv with charset-normalizer); here the header row is found among
  the first rows, other column names (``ALIASES``) map onto ours, and what is not read
  (hidden sheets and rows, ignored columns) is kept for the preview to list.
- **One transaction for the whole workbook.** Communities, units and pairings are imported
  in that order inside one ``transaction.atomic()``, really saved so that a pairing can
  name a unit that is new in the same file, and rolled back unless the office confirmed and
  no row failed. A preview is therefore exactly what confirming would do; confirming also
  compares each record with what the preview saw (``Preview.expectations``).
- **Keys that cannot be hijacked.** Names match after ``names.name_key``. A row with an ID
  (编号, as exported) updates that record only when its name agrees; a new name there is a
  rename the office ticks, and a new name close to an existing one (``names.SimilarNames``)
  is ticked too. Pairings match by community, counterpart and start date. Re-importing an
  export changes nothing.

The column headers are Chinese constants, not translated text: they are the file's format,
and a workbook filled in Chinese must import whatever language the office's browser speaks.
"""

import datetime
import functools
import io
import logging
import unicodedata
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import RowResult
from openpyxl.utils.datetime import from_excel

from core import exports

from .models import FOUNDING_YEAR, Community, District, MemberUnit, Pairing
from .names import SimilarNames, clean_name, name_key
from .sheetfiles import FileError, Formula, read_book

logger = logging.getLogger(__name__)

#: An upload larger than this is refused before it is opened.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: What the XLSX (a zip) may unpack to: a zip bomb stops here.
MAX_UNZIPPED_BYTES = 30 * 1024 * 1024
#: Rows per sheet: the registry is a few hundred; more is a mistake or junk.
MAX_ROWS = 5000

COMMUNITIES, UNITS, PAIRINGS = "communities", "units", "pairings"
KINDS = [COMMUNITIES, UNITS, PAIRINGS]
SHEET_TITLES = {COMMUNITIES: "村居", UNITS: "成员单位", PAIRINGS: "结对"}
ID_COLUMN = "编号"
NOTES_TITLE = "填写说明"
YES, NO = "是", "否"
#: The template's example rows: importing them unchanged is refused.
EXAMPLE_COMMUNITY = "【模板示例】某某村"
EXAMPLE_UNIT = "【模板示例】某某公司"
#: Between allowed values: not 、, which is inside the label 市、区级机关.
LIST_SEPARATOR = "／"


def _zh(label):
    with translation.override("zh-hans"):
        return str(label)


def _plain(value):
    """A cell's value with formulas refused and text trimmed."""
    if isinstance(value, Formula):
        raise ValueError(_("This cell holds a formula; paste its value instead."))
    if isinstance(value, str):
        return value.strip()
    return value


def _date_range():
    return datetime.date(FOUNDING_YEAR, 1, 1), timezone.localdate() + datetime.timedelta(days=366)


# --- Widgets: what a cell may say, with Chinese errors ----------------------------------


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        value = _plain(value)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a phone number Excel stored as a number
        return _without_control(str(value))

    def render(self, value, obj=None, **kwargs):
        return value or ""


def _without_control(text):
    """Text without NUL, zero-width and other control characters (line breaks stay)."""
    return "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf")
    )


class NameWidget(TextWidget):
    """A unit's or community's name, stored in its one clean form (``names.clean_name``)."""

    def clean(self, value, row=None, **kwargs):
        return clean_name(super().clean(value, row, **kwargs))


class WholeNumberWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        value = _plain(value)
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int):
            return value
        text = unicodedata.normalize("NFKC", str(value)).strip().removesuffix(".0")
        if text.isascii() and text.isdigit():
            return int(text)
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return value


class YearWidget(WholeNumberWidget):
    """A year: 2008, 2008年, or a date cell (its year)."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, (datetime.date, datetime.datetime)):
            return value.year
        if isinstance(value, str) and value.strip().endswith("年"):
            value = value.strip()[:-1]
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a year; write it as four digits, such as 2008.")
                % {"value": value}
            ) from None


class DateWidget(widgets.Widget):
    FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]

    def clean(self, value, row=None, **kwargs):
        value = _plain(value)
        if value in (None, ""):
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            try:  # a date cell formatted as a number: Excel's serial day count
                value = from_excel(value)
            except (ValueError, OverflowError, TypeError):
                raise ValueError(
                    _("“%(value)s” is not a date; write it as 2024-03-01.") % {"value": value}
                ) from None
        if isinstance(value, datetime.datetime):
            value = value.date()
        elif not isinstance(value, datetime.date):
            for fmt in self.FORMATS:
                try:
                    value = datetime.datetime.strptime(str(value), fmt).date()
                    break
                except ValueError:
                    continue
            else:
                raise ValueError(
                    _("“%(value)s” is not a date; write it as 2024-03-01.") % {"value": value}
                )
        start, end = _date_range()
        if not start <= value <= end:
            raise ValueError(
                _("The date %(date)s is out of range: it must be between %(start)s and %(end)s.")
                % {"date": value, "start": start, "end": end}
            )
        return value

    def render(self, value, obj=None, **kwargs):
        return value


class ChoiceWidget(widgets.Widget):
    """A choice column: the Chinese label (as exported), the English label or the code."""

    def __init__(self, choices, blank=False):
        self.choices = choices
        self.blank = blank
        super().__init__()

    def labels(self):
        return [_zh(label) for _, label in self.choices]

    @functools.cached_property
    def _codes(self):
        """Every way a cell may name a choice (code, Chinese or English label, as
        ``header_key`` compares them) → its code; built once per import."""
        codes = {}
        for code, label in self.choices:
            with translation.override("en"):
                english = str(label)
            for text in (code, _zh(label), english):
                codes.setdefault(header_key(text), code)
        return codes

    @functools.cached_property
    def _chinese(self):
        return {code: _zh(label) for code, label in self.choices}

    def clean(self, value, row=None, **kwargs):
        value = _plain(value)
        if value in (None, ""):
            return ""
        text = str(value)
        code = self._codes.get(header_key(text))
        if code is not None:
            return code
        raise ValueError(
            _("Unknown value “%(value)s”: use one of %(allowed)s.")
            % {"value": text, "allowed": LIST_SEPARATOR.join(self.labels())}
        )

    def render(self, value, obj=None, **kwargs):
        return self._chinese.get(value, value or "")


class YesNoWidget(widgets.Widget):
    TRUE = {YES, "1", "true", "yes", "y", "在册"}
    FALSE = {NO, "0", "false", "no", "n", "停用"}

    def clean(self, value, row=None, **kwargs):
        value = _plain(value)
        if value in (None, ""):
            return True
        if isinstance(value, bool):
            return value
        text = str(value).lower()
        if isinstance(value, (int, float)):
            text = str(int(value))
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("Write 是 or 否, not “%(value)s”.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return YES if value else NO


class ByNameWidget(widgets.Widget):
    """A related record named in the cell: one query for all of them, then a lookup by the
    name as people mean it (``names.name_key``), with “是否指…” when there is none."""

    def __init__(self, model, not_found):
        self.model = model
        self.not_found = not_found
        self._by_key = None
        self._similar = None
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        value = _plain(value)
        if value in (None, ""):
            return None
        if self._by_key is None:
            self._by_key = {name_key(obj.name): obj for obj in self.model._default_manager.all()}
        obj = self._by_key.get(name_key(value))
        if obj is None:
            if self._similar is None:
                self._similar = SimilarNames(o.name for o in self._by_key.values())
            message = self.not_found() % {"name": value}
            similar = self._similar.similar(str(value))
            if similar:
                message += _did_you_mean(similar)
            raise ValueError(message)
        return obj

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""


def _did_you_mean(names):
    return _(" Did you mean %(names)s?") % {"names": "、".join(f"“{n}”" for n in names)}


# --- Resources ------------------------------------------------------------------------


class KeyLoader(BaseInstanceLoader):
    """Find a row's record: by its ID only when the name agrees, else by name.

    Offices number their rows 1, 2, 3 in a column they call 编号; taken as our IDs these
    would overwrite other records. So an ID updates its record only when the row names that
    record (after ``names.name_key``); a different name the registry does not have yet is a
    rename the office must tick; a name that belongs to another record is an error.
    """

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.by_id = {obj.pk: obj for obj in resource.get_queryset()}
        self.by_key = {resource.natural_key(obj): obj for obj in self.by_id.values()}
        resource.loader = self

    def get_instance(self, row):
        resource = self.resource
        info = resource.info
        pk = resource.fields["id"].clean(row) if ID_COLUMN in row else None
        key = resource.row_key(row)
        by_name = self.by_key.get(key) if key is not None else None
        if pk is None:
            obj = by_name
            info.match = MATCH_NAME if obj is not None else MATCH_NEW
            if obj is None and key is not None:
                info.similar = resource.similar_names(row)
        else:
            obj = self.by_id.get(pk)
            if obj is None:
                raise ValueError(
                    _(
                        "编号 %(id)s is not in the registry. Leave 编号 empty for a new record; "
                        "if the column holds your own running numbers, name it 序号."
                    )
                    % {"id": pk}
                )
            info.match = MATCH_ID
            if key is not None and not resource.same_record(obj, key):
                if by_name is not None and by_name.pk != obj.pk:
                    raise ValueError(
                        _(
                            "编号 %(id)s is “%(current)s”, but this row names “%(name)s”, which "
                            "is 编号 %(other)s. If the column holds your own running numbers, "
                            "name it 序号; otherwise correct 编号."
                        )
                        % {"id": pk, "current": resource.label_of(obj),
                           "name": resource.describe(row), "other": by_name.pk}
                    )  # fmt: skip
                info.rename = resource.check_rename(obj, row)
        if obj is not None:
            info.record = obj.pk
            info.before = resource.snapshot(obj)
        resource.check_unchanged_since_preview(info)
        return obj


MATCH_ID, MATCH_NAME, MATCH_NEW = "id", "name", "new"


@dataclass
class RowInfo:
    """What the import learnt about one row before saving it."""

    number: int
    match: str = ""
    record: int | None = None
    #: The record's values as the import found them: compared again on confirm.
    before: dict = field(default_factory=dict)
    rename: tuple | None = None
    similar: list = field(default_factory=list)
    left_out: bool = False

    @property
    def needs_tick(self):
        return bool(self.rename or (self.match == MATCH_NEW and self.similar))


class RegistryResource(resources.ModelResource):
    """What the three kinds share: keys, duplicate rows, who imported, saving safely."""

    # Read by KeyLoader to find the record; never written to it (readonly).
    id = fields.Field(
        attribute="id", column_name=ID_COLUMN, widget=WholeNumberWidget(), readonly=True
    )

    #: Fields filled from others when empty: not reported when those others failed.
    derived_fields = []

    def __init__(self, user=None, file_name="", accepted=None, expected=None, **kwargs):
        """``accepted``: row numbers whose rename or similar name the office ticked (None:
        all, as the preview shows them). ``expected``: ``{row number: (record, values)}``
        as the preview saw them; a difference on confirm fails the row."""
        super().__init__(**kwargs)
        self.user = user
        self.file_name = file_name
        self.accepted = accepted
        self.expected = expected
        self.seen = {}
        self.infos = {}
        self._similar = None

    class Meta:
        instance_loader_class = KeyLoader
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        skip_html_diff = True
        use_transactions = False

    def get_instance(self, instance_loader, row):
        # The library gives up when the ID column is missing; without it rows match by name.
        return instance_loader.get_instance(row)

    def natural_key(self, obj):
        return name_key(obj.name)

    def row_key(self, row):
        return name_key(_plain_text(row.get(self.name_column))) or None

    def same_record(self, obj, key):
        return self.natural_key(obj) == key

    def label_of(self, obj):
        return obj.name

    def check_rename(self, obj, row):
        return (obj.name, self.describe(row))

    def similar_names(self, row):
        if self._similar is None:
            self._similar = SimilarNames(obj.name for obj in self.loader.by_id.values())
        return self._similar.similar(self.describe(row))

    def snapshot(self, obj):
        """The record's importable values as text: what the preview saw. Related records
        count by ID, so a rename earlier in the same import is not taken for an edit."""
        return {
            f.column_name: str(
                getattr(obj, f"{f.attribute}_id")
                if isinstance(f.widget, ByNameWidget)
                else _shown(f.export(obj))
            )
            for f in self.get_import_fields()
            if not f.readonly
        }

    def check_unchanged_since_preview(self, info):
        if self.expected is None:
            return
        record, before = self.expected.get(str(info.number), (None, {}))
        if record != info.record:
            if record is None:
                raise ValueError(
                    _(
                        "Since the preview someone created a record with this name (编号 "
                        "%(id)s); upload the file again to see it."
                    )
                    % {"id": info.record}
                )
            raise ValueError(
                _("The record this row matched in the preview is gone; upload the file again.")
            )
        changed = [
            f"{column}：{before.get(column, '—')} → {value}"
            for column, value in info.before.items()
            if before.get(column) != value
        ]
        if changed:
            raise ValueError(
                _(
                    "Someone changed this record since the preview (%(changes)s); upload the "
                    "file again to check the rows against the registry as it is now."
                )
                % {"changes": "；".join(changed)}
            )

    def describe(self, row):
        """How a preview row names its record."""
        return clean_name(_plain_text(row.get(self.name_column)))

    def before_import_row(self, row, **kwargs):
        number = self.row_numbers[kwargs["row_number"] - 1]
        self.info = self.infos[number] = RowInfo(number)
        for column, value in row.items():
            if isinstance(value, Formula):
                raise ValueError(
                    _("The cell “%(column)s” holds a formula; paste its value instead.")
                    % {"column": column}
                )
        key = self.row_key(row)
        if key is not None and (key[0] if isinstance(key, tuple) else key) in (
            name_key(EXAMPLE_COMMUNITY), name_key(EXAMPLE_UNIT)
        ):
            raise ValueError(_("This is the template's example row: change or delete it."))
        if key is not None:
            if key in self.seen:
                raise ValueError(
                    _("Duplicate: row %(row)s of this sheet has the same name.")
                    % {"row": self.seen[key]}
                )
            self.seen[key] = number

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if self.info.needs_tick and self.accepted is not None and (
            self.info.number not in self.accepted
        ):
            self.info.left_out = True
            return True
        return super().skip_row(instance, original, row, import_validation_errors)

    def before_save_instance(self, instance, row, **kwargs):
        if self.user is not None:
            instance._history_user = self.user
        instance._change_reason = change_reason(instance, self.file_name)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's own checks, with what needs a query per row done from memory.

        Related records were found by name (so they exist), names are checked against the
        records loaded once, and the database constraints stay the backstop at save.
        """
        errors = dict(import_validation_errors or {})
        relations = [f for f in instance._meta.concrete_fields if f.is_relation]
        for f in relations:
            if not f.null and getattr(instance, f.attname) is None and f.name not in errors:
                errors[f.name] = [f.error_messages["blank"]]
        exclude = set(errors) | {f.name for f in relations}
        try:
            if any(f.name in errors for f in relations):
                # A related record was not found: what the model would say next (no
                # counterpart, no fitting mode) follows from that, so only the fields speak.
                instance.clean_fields(exclude=exclude | set(self.derived_fields))
            else:
                instance.full_clean(
                    exclude=exclude, validate_unique=False, validate_constraints=False
                )
        except ValidationError as exc:
            errors = _plain_errors(instance, exc).update_error_dict(errors)
        for name, message in self.check_clashes(instance).items():
            errors.setdefault(name, []).append(message)
        if errors:
            raise ValidationError(errors)

    def check_clashes(self, instance):
        """Another record already has this one's name."""
        other = self.loader.by_key.get(self.natural_key(instance))
        if other is not None and other.pk != instance.pk:
            message = _("Another record already has this name (ID %(id)s).")
            return {"name": message % {"id": other.pk}}
        return {}

    def do_instance_save(self, instance, is_create):
        # A savepoint per row: a constraint the checks missed fails this row only.
        with transaction.atomic():
            instance.save(force_insert=is_create)


@functools.cache
def _reason_limit(model):
    # Looked up once per model: ``model.history`` builds a new manager class every time.
    return model.history.model._meta.get_field("history_change_reason").max_length or 100


def change_reason(instance, file_name):
    """“从 <file> 导入”, with a long file name shortened to fit the history's column."""
    limit = _reason_limit(type(instance))
    reason = _("Imported from %(file)s") % {"file": ""}
    return _("Imported from %(file)s") % {
        "file": Truncator(file_name).chars(max(limit - len(reason), 8))
    }


def _limits(field):
    """The lowest and highest value a field's validators allow."""
    low = high = "—"
    for validator in field.validators:
        if isinstance(validator, MinValueValidator):
            low = validator.limit_value
        elif isinstance(validator, MaxValueValidator):
            high = validator.limit_value
    return low, high


def _plain_errors(instance, exc):
    """The model's errors with Django's generic texts replaced by ones that say what to do."""
    errors = {}
    for name, items in exc.error_dict.items():
        out = []
        for error in items:
            params = error.params or {}
            if error.code == "max_length":
                value = getattr(instance, name, "")
                out.append(
                    _(
                        "“%(value)s” is %(length)s characters long; at most %(limit)s fit. "
                        "Shorten it."
                    )
                    % {"value": value, "length": params.get("show_value"),
                       "limit": params.get("limit_value")}
                )  # fmt: skip
            elif error.code in ("null", "blank", "required"):
                out.append(_("This column must not be empty; fill it in."))
            elif error.code in ("min_value", "max_value"):
                field = instance._meta.get_field(name)
                low, high = _limits(field)
                out.append(
                    _("“%(value)s” is out of range: write a number from %(low)s to %(high)s.")
                    % {"value": getattr(instance, name, ""), "low": low, "high": high}
                )
            elif error.code == "invalid" and name == "liaison_email":
                out.append(
                    _("“%(value)s” is not an email address; write it as name@example.com.")
                    % {"value": getattr(instance, name, "")}
                )
            else:
                out.append(error)
        errors[name] = out
    return ValidationError(errors)


def _plain_text(value):
    try:
        return TextWidget().clean(value)
    except ValueError:
        return ""


class CommunityResource(RegistryResource):
    name_column = "名称"

    name = fields.Field(attribute="name", column_name="名称", widget=NameWidget())
    kind = fields.Field(
        attribute="kind", column_name="类型", widget=ChoiceWidget(Community.Kind.choices)
    )
    district = fields.Field(
        attribute="district",
        column_name="片区",
        widget=ByNameWidget(District, lambda: _("District “%(name)s” not found.")),
    )
    is_active = fields.Field(attribute="is_active", column_name="在册", widget=YesNoWidget())

    class Meta(RegistryResource.Meta):
        model = Community
        fields = ["id", "name", "kind", "district", "is_active"]
        import_order = fields

    def get_queryset(self):
        return Community.objects.select_related("district")


class UnitResource(RegistryResource):
    name_column = "名称"

    name = fields.Field(attribute="name", column_name="名称", widget=NameWidget())
    category = fields.Field(
        attribute="category",
        column_name="类别",
        widget=ChoiceWidget(MemberUnit.Category.choices),
    )
    level = fields.Field(
        attribute="level", column_name="级别", widget=ChoiceWidget(MemberUnit.Level.choices)
    )
    party_org_name = fields.Field(
        attribute="party_org_name", column_name="党组织名称", widget=TextWidget()
    )
    district = fields.Field(
        attribute="district",
        column_name="片区",
        widget=ByNameWidget(District, lambda: _("District “%(name)s” not found.")),
    )
    joined_year = fields.Field(
        attribute="joined_year", column_name="加入年份", widget=YearWidget()
    )
    liaison_name = fields.Field(
        attribute="liaison_name", column_name="联络人", widget=TextWidget()
    )
    liaison_phone = fields.Field(
        attribute="liaison_phone", column_name="联络电话", widget=TextWidget()
    )
    liaison_email = fields.Field(
        attribute="liaison_email", column_name="联络邮箱", widget=TextWidget()
    )
    # Written by the export, ignored by the import: leaving is its own action.
    status = fields.Field(column_name="状态", readonly=True, dehydrate_method="dehydrate_status")
    left_on = fields.Field(
        attribute="left_on", column_name="退出日期", readonly=True, widget=DateWidget()
    )
    pairings = fields.Field(
        column_name="结对村居", readonly=True, dehydrate_method="dehydrate_pairings"
    )
    accounts = fields.Field(
        column_name="联络员账号", readonly=True, dehydrate_method="dehydrate_accounts"
    )

    class Meta(RegistryResource.Meta):
        model = MemberUnit
        fields = [
            "id", "name", "category", "level", "party_org_name", "district", "joined_year",
            "liaison_name", "liaison_phone", "liaison_email",
        ]  # fmt: skip
        import_order = fields
        export_order = fields + ["status", "left_on", "pairings", "accounts"]
        fields = export_order

    def get_queryset(self):
        # Every unit of the deployment: a unit of another council found by name joins
        # this one (one record), instead of a second record.
        return MemberUnit.objects.select_related("district")

    def dehydrate_status(self, unit):
        return _zh(_("active")) if unit.is_active else _zh(_("left the network"))

    def dehydrate_pairings(self, unit):
        return "、".join(
            p.community.name for p in unit.pairings.all() if p.status == Pairing.Status.ACTIVE
        )

    def dehydrate_accounts(self, unit):
        return "、".join(u.username for u in unit.liaisons.all() if u.is_active)

    def do_instance_save(self, instance, is_create):
        super().do_instance_save(instance, is_create)
        # A unit of another council's network found by name joins this one: one record.
        instance.join()

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        # Only organs have a level; a blank level for an organ is an error the model reports.
        if row.get("类别") in (None, "") and self.row_key(row) is not None:
            raise ValueError(_("The category is required."))


class PairingResource(RegistryResource):
    name_column = "村居"
    derived_fields = ["mode"]

    community = fields.Field(
        attribute="community",
        column_name="村居",
        widget=ByNameWidget(Community, lambda: _("Community “%(name)s” not found.")),
    )
    unit = fields.Field(
        attribute="unit",
        column_name="成员单位",
        widget=ByNameWidget(MemberUnit, lambda: _("Member unit “%(name)s” not found.")),
    )
    partner_community = fields.Field(
        attribute="partner_community",
        column_name="结对村居",
        widget=ByNameWidget(Community, lambda: _("Community “%(name)s” not found.")),
    )
    mode = fields.Field(
        attribute="mode", column_name="共建方式", widget=ChoiceWidget(Pairing.Mode.choices)
    )
    programme = fields.Field(
        attribute="programme",
        column_name="结对项目",
        widget=ChoiceWidget(Pairing.Programme.choices),
    )
    started_on = fields.Field(attribute="started_on", column_name="开始日期", widget=DateWidget())
    agreement_signed_on = fields.Field(
        attribute="agreement_signed_on", column_name="协议签订日期", widget=DateWidget()
    )
    visit_cadence_days = fields.Field(
        attribute="visit_cadence_days", column_name="走访周期（天）", widget=WholeNumberWidget()
    )
    status = fields.Field(
        attribute="status", column_name="状态", widget=ChoiceWidget(Pairing.Status.choices)
    )
    ended_on = fields.Field(attribute="ended_on", column_name="结束日期", widget=DateWidget())
    note = fields.Field(attribute="note", column_name="备注", widget=TextWidget())
    # Written by the export, ignored by the import: derived from the visits.
    last_visited_on = fields.Field(
        attribute="last_visited_on", column_name="上次走访", readonly=True, widget=DateWidget()
    )
    next_due = fields.Field(
        column_name="下次走访", readonly=True, dehydrate_method="dehydrate_next_due"
    )
    health = fields.Field(column_name="活跃度", readonly=True, dehydrate_method="dehydrate_health")

    class Meta(RegistryResource.Meta):
        model = Pairing
        fields = [
            "id", "community", "unit", "partner_community", "mode", "programme", "started_on",
            "agreement_signed_on", "visit_cadence_days", "status", "ended_on", "note",
        ]  # fmt: skip
        import_order = fields
        export_order = fields + ["last_visited_on", "next_due", "health"]
        fields = export_order

    def get_queryset(self):
        return Pairing.objects.select_related("community", "unit", "partner_community")

    def natural_key(self, pairing):
        return (
            name_key(pairing.community.name),
            name_key(pairing.unit.name) if pairing.unit_id else "",
            name_key(pairing.partner_community.name) if pairing.partner_community_id else "",
            pairing.started_on,
        )

    def row_key(self, row):
        community = name_key(_plain_text(row.get("村居")))
        if not community:
            return None
        try:
            started_on = DateWidget().clean(row.get("开始日期"))
        except ValueError:
            started_on = None
        return (
            community,
            name_key(_plain_text(row.get("成员单位"))),
            name_key(_plain_text(row.get("结对村居"))),
            started_on or timezone.localdate(),
        )

    def same_record(self, pairing, key):
        # The start date may be corrected by ID; who is paired may not.
        return self.natural_key(pairing)[:3] == key[:3]

    def label_of(self, pairing):
        return f"{pairing.community.name} – {pairing.counterpart}"

    def check_rename(self, pairing, row):
        raise ValueError(
            _(
                "编号 %(id)s is the pairing %(pairing)s, not %(row)s: who is paired cannot "
                "change. Leave 编号 empty for a new pairing, or end the old one."
            )
            % {"id": pairing.pk, "pairing": self.label_of(pairing), "row": self.describe(row)}
        )

    def similar_names(self, row):
        return []  # a new pairing's names are checked by the 村居 and 成员单位 columns

    def describe(self, row):
        counterpart = _plain_text(row.get("成员单位")) or _plain_text(row.get("结对村居"))
        return f"{clean_name(_plain_text(row.get('村居')))} – {clean_name(counterpart)}"

    def dehydrate_next_due(self, pairing):
        return pairing.next_due if pairing.status == Pairing.Status.ACTIVE else None

    def dehydrate_health(self, pairing):
        if pairing.status != Pairing.Status.ACTIVE:
            return ""
        return _zh(pairing.get_health_display())

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # An empty mode means the only one that fits the counterpart.
        if not instance.mode and (instance.unit or instance.partner_community):
            instance.mode = Pairing.mode_for(
                unit=instance.unit, partner_community=instance.partner_community
            )
        if not instance.status:
            instance.status = Pairing.Status.ACTIVE
        if instance.visit_cadence_days is None:
            instance.visit_cadence_days = 90
        if instance.started_on is None:
            instance.started_on = timezone.localdate()

    def check_clashes(self, instance):
        if instance.status != Pairing.Status.ACTIVE:
            return {}
        key = (instance.community_id, instance.unit_id, instance.partner_community_id)
        active = self.active_pairs()
        other = active.get(key, instance.pk)
        if other != instance.pk:
            return {
                NON_FIELD_ERRORS: _(
                    "%(community)s already has an active pairing with %(counterpart)s (编号 "
                    "%(id)s). To update it, write 编号 %(id)s in this row; to start a new one, "
                    "end the old one first (its 状态 and 结束日期)."
                )
                % {"community": instance.community, "counterpart": instance.counterpart,
                   "id": other}
            }
        return {}

    def active_pairs(self):
        if not hasattr(self, "_active"):
            self._active = {
                (p.community_id, p.unit_id, p.partner_community_id): p.pk
                for p in self.loader.by_id.values()
                if p.status == Pairing.Status.ACTIVE
            }
        return self._active

    def after_save_instance(self, instance, row, **kwargs):
        if instance.status == Pairing.Status.ACTIVE:
            key = (instance.community_id, instance.unit_id, instance.partner_community_id)
            self.active_pairs()[key] = instance.pk


RESOURCES = {COMMUNITIES: CommunityResource, UNITS: UnitResource, PAIRINGS: PairingResource}


# --- Reading a workbook ---------------------------------------------------------------


@dataclass
class Sheet:
    kind: str
    title: str
    dataset: tablib.Dataset
    row_numbers: list
    header_row: int = 1
    #: ``(header as in the file, why)`` for each column not read.
    ignored_columns: list = field(default_factory=list)
    #: ``(header as in the file, our column)`` where another name was accepted.
    renamed_columns: list = field(default_factory=list)
    #: Rows with data that were hidden (a filter, or hidden by hand): not read.
    hidden_rows: list = field(default_factory=list)


def _file_fields(resource):
    """The columns an import reads: the ID and every field that is not export-only."""
    return [
        f for f in resource.get_import_fields() if not f.readonly or f.column_name == ID_COLUMN
    ]


def _headers_of(kind):
    return [f.column_name for f in _file_fields(RESOURCES[kind]())]


def _required_headers(kind):
    return {
        COMMUNITIES: ["名称", "类型", "片区"],
        UNITS: ["名称", "类别", "加入年份"],
        PAIRINGS: ["村居"],
    }[kind]


#: Other headers offices write for our columns, per kind of sheet. Compared after
#: ``header_key`` (NFKC, no spaces or line breaks, no ``*`` marks), so 联系 电话 and
#: 走访周期(天) match too. The template's 填写说明 sheet lists them.
ALIASES = {
    COMMUNITIES: {
        ID_COLUMN: ["ID", "系统编号"],
        "名称": ["村居", "村居名称", "村（居）名称", "村（居）", "村居委名称", "社区名称"],
        "类型": ["村居类型", "类别"],
        "片区": ["所属片区", "片区名称"],
        "在册": ["是否在册"],
    },
    UNITS: {
        ID_COLUMN: ["ID", "系统编号"],
        "名称": ["单位名称", "成员单位", "成员单位名称", "单位全称"],
        "类别": ["单位类别", "单位类型", "类型"],
        "级别": ["单位级别", "层级"],
        "党组织名称": ["党组织", "党组织全称", "单位党组织"],
        "片区": ["所属片区", "片区名称"],
        "加入年份": ["加入时间", "加入年度", "入网年份"],
        "联络人": ["联系人", "联络员", "联系人姓名"],
        "联络电话": ["联系电话", "电话", "手机", "手机号码", "联系方式"],
        "联络邮箱": ["邮箱", "电子邮箱", "联系邮箱", "Email"],
    },
    PAIRINGS: {
        ID_COLUMN: ["ID", "系统编号"],
        "村居": ["村居名称", "村（居）", "社区"],
        "成员单位": ["单位", "单位名称", "结对单位", "成员单位名称"],
        "结对村居": ["结对村（居）"],
        "共建方式": ["结对方式", "共建形式"],
        "开始日期": ["结对日期", "结对时间", "开始时间"],
        "协议签订日期": ["签约日期", "协议日期", "签订日期"],
        "走访周期（天）": ["走访周期"],
        "状态": ["结对状态"],
        "结束日期": ["结束时间"],
        "备注": ["说明"],
    },
}
#: The office's own running numbers: never an ID, ignored.
RUNNING_NUMBER_HEADERS = ["序号", "序", "No.", "NO", "行号"]
#: How many rows from the top the header row may be (a title and blank rows above it).
HEADER_SEARCH_ROWS = 10


def header_key(text):
    text = unicodedata.normalize("NFKC", str(text or ""))
    return "".join(ch for ch in text if not ch.isspace() and ch not in "*:").casefold()


def _column_table(kind):
    """``header_key`` → our column name, for the columns an import of ``kind`` reads."""
    table = {}
    for column in _headers_of(kind):
        table[header_key(column)] = column
    for column, others in ALIASES[kind].items():
        for other in others:
            table.setdefault(header_key(other), column)
    return table


def _export_only(kind):
    resource = RESOURCES[kind]()
    return {header_key(f.column_name) for f in resource.get_export_fields()} - set(
        _column_table(kind)
    )


def _match_header(kind, cells):
    """How a header row maps onto ``kind``: ``{index: column}``, ignored ``[(header, why)]``."""
    table = _column_table(kind)
    export_only = _export_only(kind)
    running = {header_key(h) for h in RUNNING_NUMBER_HEADERS}
    mapping, ignored = {}, []
    for index, cell in enumerate(cells):
        if cell is None or str(cell).strip() == "":
            continue
        key = header_key(cell)
        shown = " ".join(str(cell).split())
        column = table.get(key)
        if column is not None and column not in mapping.values():
            mapping[index] = column
        elif column is not None:
            ignored.append((shown, _("a second column for %(column)s") % {"column": column}))
        elif key in running:
            ignored.append((shown, _("the file's own running number")))
        elif key in export_only:
            ignored.append((shown, _("written by the export, not imported")))
        else:
            ignored.append((shown, _("not a column of this sheet")))
    return mapping, ignored


def _find_header(grid, kinds):
    """The best ``(score, kind, position in grid.rows, mapping, ignored)`` in the top rows."""
    best = None
    for position, (_number, cells) in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
        for kind in kinds:
            mapping, ignored = _match_header(kind, cells)
            columns = set(mapping.values()) - {ID_COLUMN}
            required = set(_required_headers(kind))
            score = (len(required & columns), len(columns))
            if score[1] >= 2 and (best is None or score > best[0]):
                best = (score, kind, position, mapping, ignored)
    return best


def _expected_columns():
    parts = []
    for kind in KINDS:
        parts.append(
            _("%(sheet)s: %(columns)s")
            % {"sheet": SHEET_TITLES[kind], "columns": "、".join(_required_headers(kind))}
        )
    return "；".join(parts)


def _grid_to_sheet(grid):
    """The registry sheet in ``grid``, or None when it is not one."""
    by_title = [k for k, t in SHEET_TITLES.items() if header_key(grid.title) == header_key(t)]
    found = _find_header(grid, by_title or KINDS)
    if found is None:
        if by_title:
            raise FileError(
                _(
                    "No header row was found in the first %(rows)s rows of the sheet "
                    "“%(sheet)s”. It needs the columns %(columns)s; download the template "
                    "to see them."
                )
                % {
                    "rows": HEADER_SEARCH_ROWS,
                    "sheet": grid.title,
                    "columns": "、".join(_required_headers(by_title[0])),
                }
            )
        return None
    (_required_found, _total), kind, position, mapping, ignored = found
    header_number = grid.rows[position][0]
    missing = [h for h in _required_headers(kind) if h not in mapping.values()]
    if missing and not by_title:
        return None  # a sheet of something else that shares a few column names
    for first, last, coord in grid.merged:
        if last >= header_number:
            raise FileError(
                _(
                    "The sheet “%(sheet)s” has merged cells (%(range)s): "
                    "unmerge them, one value per cell."
                )
                % {"sheet": grid.title, "range": coord}
            )
    if missing:
        accepted = "；".join(
            _("%(column)s (or %(others)s)")
            % {"column": column, "others": "、".join(ALIASES[kind][column])}
            if ALIASES[kind].get(column)
            else column
            for column in missing
        )
        raise FileError(
            _(
                "The sheet “%(sheet)s” lacks the columns %(columns)s (header found in row "
                "%(row)s). Add them to the header row; download the template to see every column."
            )
            % {"sheet": grid.title, "columns": accepted, "row": header_number}
        )
    if kind == PAIRINGS and not {"成员单位", "结对村居"} & set(mapping.values()):
        raise FileError(
            _("The sheet “%(sheet)s” needs a column 成员单位 or 结对村居.") % {"sheet": grid.title}
        )
    resource = RESOURCES[kind]()
    date_columns = {
        f.column_name for f in resource.get_import_fields() if isinstance(f.widget, DateWidget)
    }
    year_columns = {
        f.column_name for f in resource.get_import_fields() if isinstance(f.widget, YearWidget)
    }
    indexes = sorted(mapping)
    dataset = tablib.Dataset(headers=[mapping[i] for i in indexes])
    numbers = []
    for number, cells in grid.rows[position + 1 :]:
        values = [cells[i] if i < len(cells) else None for i in indexes]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        for i, column in enumerate(dataset.headers):
            if column in date_columns:
                values[i] = _serial_to_date(values[i], grid.epoch)
            elif column in year_columns:
                values[i] = _date_to_year(values[i], grid.epoch)
        dataset.append(values)
        numbers.append(number)
    renamed = [
        (" ".join(str(grid.rows[position][1][i]).split()), mapping[i])
        for i in indexes
        if header_key(grid.rows[position][1][i]) != header_key(mapping[i])
    ]
    return Sheet(
        kind, grid.title, dataset, numbers,
        header_row=header_number, ignored_columns=ignored, renamed_columns=renamed,
        hidden_rows=[n for n in grid.hidden_rows if n > header_number],
    )  # fmt: skip


def _serial_to_date(value, epoch):
    """A number in a date column is Excel's day count from the workbook's own epoch."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 2958466:
        return (epoch + datetime.timedelta(days=int(value))).date()
    return value


def _date_to_year(value, epoch):
    """A year typed into a date-formatted cell reads as a day of 1905: give back the year."""
    if isinstance(value, datetime.datetime):
        if value.year < 1910:
            return (value - epoch).days
        return value.year
    if isinstance(value, datetime.date):
        return value.year
    return value


def _add_sheet(by_kind, sheet):
    """One sheet per kind: a second one (a copy left in the file, say) is refused."""
    if sheet.kind in by_kind:
        raise FileError(
            _("The workbook has two sheets of %(kind)s (“%(first)s” and “%(second)s”); keep one.")
            % {"kind": SHEET_TITLES[sheet.kind], "first": by_kind[sheet.kind].title,
               "second": sheet.title}
        )  # fmt: skip
    by_kind[sheet.kind] = sheet


def read_workbook(data):
    """The registry sheets of a file and what was skipped: ``(sheets, skipped sheets)``."""
    book = read_book(
        data, max_bytes=MAX_UPLOAD_BYTES, max_unzipped=MAX_UNZIPPED_BYTES, max_rows=MAX_ROWS
    )
    sheets, skipped = {}, list(book.skipped)
    for grid in book.grids:
        if grid.title.strip() == NOTES_TITLE:
            skipped.append((grid.title, _("the template's instructions")))
            continue
        sheet = _grid_to_sheet(grid)
        if sheet is None:
            if any(cells for _, cells in grid.rows):
                skipped.append((grid.title, _("no registry columns found")))
            continue
        _add_sheet(sheets, sheet)
    if not sheets:
        seen = "、".join(f"“{g.title}”" for g in book.grids) or "—"
        raise FileError(
            _(
                "No registry sheet was found (sheets read: %(seen)s). Each needs a header row "
                "with these columns: %(columns)s. Download the template and fill it in."
            )
            % {"seen": seen, "columns": _expected_columns()}
        )
    if not any(len(s.dataset) for s in sheets.values()):
        raise FileError(_("The workbook has no data rows."))
    return [sheets[kind] for kind in KINDS if kind in sheets], skipped


# --- Preview and import ---------------------------------------------------------------

NEW, CHANGED, UNCHANGED, ERROR, LEFT_OUT = "new", "changed", "unchanged", "error", "left_out"
STATUSES = (NEW, CHANGED, UNCHANGED, ERROR, LEFT_OUT)


@dataclass
class RowPreview:
    number: int
    status: str
    label: str
    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    #: How the row found its record: MATCH_ID, MATCH_NAME or MATCH_NEW ("" when it failed).
    match: str = ""
    #: Every value a new record gets, as ``(column, value)``.
    values: list = field(default_factory=list)
    #: ``(old name, new name)`` when an ID renames its record.
    rename: tuple | None = None
    #: Existing names a new record's name is close to: “是否指…”.
    similar: list = field(default_factory=list)
    #: The record (ID) and its values as the preview saw them, checked again on confirm.
    record: int | None = None
    before: dict = field(default_factory=dict)

    @property
    def needs_tick(self):
        return bool(self.rename or self.similar)

    @property
    def match_label(self):
        return {
            MATCH_ID: _("matched by 编号"),
            MATCH_NAME: _("matched by name"),
            MATCH_NEW: _("new record"),
        }.get(self.match, "")


@dataclass
class SheetPreview:
    kind: str
    title: str
    rows: list
    header_row: int = 1
    ignored_columns: list = field(default_factory=list)
    renamed_columns: list = field(default_factory=list)
    hidden_rows: list = field(default_factory=list)

    def count(self, status):
        return sum(1 for r in self.rows if r.status == status)

    @property
    def counts(self):
        return {s: self.count(s) for s in STATUSES}

    @property
    def renames(self):
        return [r for r in self.rows if r.rename and r.status != ERROR]

    @property
    def similar_rows(self):
        return [r for r in self.rows if r.similar and r.status != ERROR]

    @property
    def shown_rows(self):
        """What the office must look at: everything but unchanged rows and renames (which
        are listed apart)."""
        return [r for r in self.rows if r.status != UNCHANGED and not r.rename]


@dataclass
class Preview:
    sheets: list
    committed: bool = False
    #: ``(sheet title, why)`` for the sheets not read (hidden, not registry data).
    skipped_sheets: list = field(default_factory=list)

    @property
    def error_count(self):
        return sum(s.count(ERROR) for s in self.sheets)

    @property
    def change_count(self):
        return sum(s.count(NEW) + s.count(CHANGED) for s in self.sheets)

    @property
    def tick_count(self):
        return sum(1 for s in self.sheets for r in s.rows if r.needs_tick and r.status != ERROR)

    def total(self, status):
        return sum(s.count(status) for s in self.sheets)

    def expectations(self):
        """What confirming must find again: ``{kind: {row: [record, values]}}`` (JSON)."""
        return {
            s.kind: {str(r.number): [r.record, r.before] for r in s.rows if r.status != ERROR}
            for s in self.sheets
        }


def _messages(exc):
    """A row's errors as sentences for the office."""
    if hasattr(exc, "message_dict"):
        out = []
        for name, messages in exc.message_dict.items():
            for message in messages:
                out.append(f"{_column_label(name)}：{message}" if name != "__all__" else message)
        return out
    if hasattr(exc, "messages"):
        return list(exc.messages)
    return [str(exc)]


_COLUMN_LABELS = {}


def _column_label(attribute):
    if not _COLUMN_LABELS:
        for resource in RESOURCES.values():
            for f in resource().get_import_fields():
                if f.attribute:
                    _COLUMN_LABELS.setdefault(f.attribute, f.column_name)
    return _COLUMN_LABELS.get(attribute, attribute)


def _row_preview(resource, sheet, index, row_result, row):
    number = sheet.row_numbers[index]
    label = resource.describe(row)
    info = resource.infos.get(number) or RowInfo(number)
    common = {"match": info.match, "rename": info.rename, "similar": info.similar,
              "record": info.record, "before": info.before}  # fmt: skip
    if row_result.import_type == RowResult.IMPORT_TYPE_INVALID:
        errors = _messages(row_result.validation_error)
        return RowPreview(number, ERROR, label, errors=errors, **common)
    if row_result.import_type == RowResult.IMPORT_TYPE_ERROR:
        errors = []
        for error in row_result.errors:
            if isinstance(error.error, ValueError):
                errors.append(str(error.error))
            else:
                logger.warning("import row %s failed: %r", number, error.error)
                errors.append(_("This row could not be saved: %(error)s") % {"error": error.error})
        return RowPreview(number, ERROR, label, errors=errors, **common)
    if info.left_out:
        return RowPreview(number, LEFT_OUT, label, **common)
    fields_read = [
        f for f in resource.get_import_fields()
        if not f.readonly and f.attribute != "id" and f.column_name in row
    ]  # fmt: skip
    if row_result.import_type == RowResult.IMPORT_TYPE_NEW:
        # Every value stored: the file's, and those filled in when empty (mode, cadence...).
        values = [
            (f.column_name, _shown(f.export(row_result.instance)))
            for f in resource.get_import_fields()
            if not f.readonly and f.attribute != "id"
            and (f.column_name in row or f.export(row_result.instance) not in (None, ""))
        ]  # fmt: skip
        return RowPreview(number, NEW, label, values=values, **common)
    if row_result.import_type == RowResult.IMPORT_TYPE_SKIP:
        return RowPreview(number, UNCHANGED, label, **common)
    changes = []
    for f in fields_read:
        old, new = f.export(row_result.original), f.export(row_result.instance)
        if old != new and not (info.rename and f.column_name == resource.name_column):
            changes.append((f.column_name, _shown(old), _shown(new)))
    return RowPreview(number, CHANGED, label, changes=changes, **common)


def _shown(value):
    return "—" if value in (None, "") else value


def read_workbooks(files):
    """The sheets of several files (one per kind, say) in import order, and what was skipped."""
    by_kind, skipped = {}, []
    for data in files:
        sheets, skipped_here = read_workbook(data)
        skipped += skipped_here
        for sheet in sheets:
            _add_sheet(by_kind, sheet)
    return [by_kind[kind] for kind in KINDS if kind in by_kind], skipped


def run_import(data, *, user=None, file_name="", commit=False, accepted=None, expected=None):
    """Preview (``commit=False``) or import the workbook; all or nothing.

    ``data`` is a file's bytes, or a list of them (one file per kind) imported as one.
    Everything is really saved in one transaction, so later sheets see earlier rows, and
    rolled back unless ``commit`` is set and no row failed.

    ``accepted`` (``{kind: {row numbers}}``) are the renames and near-duplicate names the
    office ticked; other such rows are left out. None, as in the preview, takes them all.
    ``expected`` is ``Preview.expectations()`` of the preview being confirmed: a record
    changed or created since then fails its row, so nothing is written over it.
    """
    sheets, skipped = read_workbooks(data if isinstance(data, list) else [data])
    previews = []
    with transaction.atomic():
        for sheet in sheets:
            resource = RESOURCES[sheet.kind](
                user=user,
                file_name=file_name,
                accepted=None if accepted is None else accepted.get(sheet.kind, set()),
                expected=None if expected is None else expected.get(sheet.kind, {}),
            )
            resource.row_numbers = sheet.row_numbers
            result = resource.import_data(
                sheet.dataset, dry_run=False, retain_instance_in_row_result=True
            )
            rows = []
            for index, (row_result, row) in enumerate(zip(result.rows, sheet.dataset.dict)):
                rows.append(_row_preview(resource, sheet, index, row_result, row))
            for error in result.base_errors:
                logger.warning("import of %s failed: %r", sheet.kind, error.error)
                message = _("The sheet “%(sheet)s” could not be read.")
                raise FileError(message % {"sheet": sheet.title})
            previews.append(
                SheetPreview(
                    sheet.kind, sheet.title, rows, header_row=sheet.header_row,
                    ignored_columns=sheet.ignored_columns,
                    renamed_columns=sheet.renamed_columns, hidden_rows=sheet.hidden_rows,
                )  # fmt: skip
            )
        preview = Preview(previews, skipped_sheets=skipped)
        if commit and not preview.error_count:
            preview.committed = True
        else:
            transaction.set_rollback(True)
    return preview


# --- Export and the template -------------------------------------------------------------


def units_queryset(queryset=None):
    queryset = MemberUnit.objects.in_council() if queryset is None else queryset
    return queryset.select_related("district").prefetch_related(
        Prefetch("pairings", queryset=Pairing.objects.select_related("community")),
        "liaisons",
    )


def pairings_queryset():
    return (
        Pairing.objects.select_related("community", "unit", "partner_community")
        .with_last_visit()
        .order_by("community__name", "id")
    )


def communities_queryset():
    return Community.objects.select_related("district").order_by(
        "district__position", "district__name", "name"
    )


def export_dataset(kind, queryset=None):
    """A tablib Dataset of ``kind`` with the import's headers plus export-only columns."""
    resource = RESOURCES[kind]()
    if queryset is None:
        queryset = {
            COMMUNITIES: communities_queryset,
            UNITS: units_queryset,
            PAIRINGS: pairings_queryset,
        }[kind]()
    with translation.override("zh-hans"):
        return resource.export(queryset)


def sheet_spec(kind, dataset):
    widths = [8] + [16] * (len(dataset.headers) - 1)
    return (SHEET_TITLES[kind], dataset.headers, [list(r) for r in dataset], widths)


def template_sheets():
    """The template: one sheet per kind with one example row, and the allowed values."""
    district = District.objects.order_by("position", "name").first()
    district_name = district.name if district else "城南"
    example_community, example_unit = EXAMPLE_COMMUNITY, EXAMPLE_UNIT
    examples = {
        COMMUNITIES: {"名称": example_community, "类型": _zh(Community.Kind.VILLAGE.label),
                      "片区": district_name, "在册": YES},
        UNITS: {"名称": example_unit, "类别": _zh(MemberUnit.Category.ENTERPRISE.label),
                "级别": "", "党组织名称": f"{example_unit}党支部", "片区": district_name,
                "加入年份": timezone.localdate().year, "联络人": "", "联络电话": "",
                "联络邮箱": ""},
        PAIRINGS: {"村居": example_community, "成员单位": example_unit, "结对村居": "",
                   "共建方式": _zh(Pairing.Mode.SELF_INITIATED.label), "结对项目": "",
                   "开始日期": timezone.localdate(), "协议签订日期": "",
                   "走访周期（天）": 90, "状态": _zh(Pairing.Status.ACTIVE.label),
                   "结束日期": "", "备注": ""},
    }  # fmt: skip
    sheets = []
    notes = []
    with translation.override("zh-hans"):
        hints = {
            ID_COLUMN: _("Empty for a new record; as exported to update one."),
            "加入年份": _("A year from %(start)s on, such as 2008.") % {"start": FOUNDING_YEAR},
            "走访周期（天）": _("7 to 366 days; 90 when empty."),
            "级别": "",
        }
        level_hint = _("Organs only: ")
    for kind in KINDS:
        headers = _headers_of(kind)
        sheets.append(
            (SHEET_TITLES[kind], headers, [[examples[kind].get(h, "") for h in headers]],
             [8] + [16] * (len(headers) - 1))
        )  # fmt: skip
        for f in _file_fields(RESOURCES[kind]()):
            allowed = hints.get(f.column_name, "")
            if isinstance(f.widget, ChoiceWidget):
                allowed = LIST_SEPARATOR.join(f.widget.labels())
            elif isinstance(f.widget, YesNoWidget):
                allowed = f"{YES}{LIST_SEPARATOR}{NO}"
            elif isinstance(f.widget, DateWidget):
                allowed = "2024-03-01"
            elif isinstance(f.widget, ByNameWidget) and f.widget.model is District:
                allowed = LIST_SEPARATOR.join(District.objects.values_list("name", flat=True))
            if f.column_name == "级别":
                allowed = level_hint + allowed
            required = YES if f.column_name in _required_headers(kind) else ""
            others = "、".join(ALIASES[kind].get(f.column_name, []))
            notes.append([SHEET_TITLES[kind], f.column_name, required, allowed, others])
    with translation.override("zh-hans"):
        intro = [
            _(
                "Fill in one row per record. Leave 编号 empty for new records: rows with an "
                "ID update that record, others match by name."
            ),
            _("Replace or delete the example rows (marked 【模板示例】) before importing."),
            _(
                "Pairings name the community and either a member unit or a partner "
                "community; an empty mode is filled with the only one that fits."
            ),
            _(
                "The header row may have a title above it; columns may use the other names "
                "listed on the right. A 序号 column (your running numbers) is ignored."
            ),
            _(
                "A row with 编号 updates that record only if its name matches; a new name "
                "there is a rename you confirm in the preview. Hidden sheets and rows are "
                "not read."
            ),
        ]
    note_rows = [[line, "", "", "", ""] for line in intro] + [["", "", "", "", ""]] + notes
    sheets.append(
        (NOTES_TITLE, ["工作表", "列", "必填", "可填的值与说明", "也认的列名"], note_rows,
         [40, 16, 8, 60, 40])
    )  # fmt: skip
    return sheets


def registry_sheets():
    """The whole registry as the workbook the import reads back."""
    return [sheet_spec(kind, export_dataset(kind)) for kind in KINDS]


def template_workbook_bytes():
    buffer = io.BytesIO()
    exports.workbook(template_sheets()).save(buffer)
    return buffer.getvalue()


def preview_text(preview):
    """The preview as plain text lines, for the command line."""
    lines = []
    for title, why in preview.skipped_sheets:
        lines.append(_("Sheet “%(sheet)s” skipped: %(why)s") % {"sheet": title, "why": why})
    for sheet in preview.sheets:
        lines.append(
            _(
                "%(sheet)s: %(new)s new, %(changed)s changed, %(unchanged)s unchanged, "
                "%(error)s errors"
            )
            % {"sheet": sheet.title, **sheet.counts}
        )
        for header, why in sheet.ignored_columns:
            lines.append("  " + _("column “%(column)s” ignored: %(why)s") % {"column": header, "why": why})
        if sheet.hidden_rows:
            lines.append(
                "  " + _("hidden rows not read: %(rows)s")
                % {"rows": "、".join(map(str, sheet.hidden_rows))}
            )
        for row in sheet.rows:
            if row.status == UNCHANGED:
                continue
            where = _("row %(number)s, %(label)s") % {"number": row.number, "label": row.label}
            if row.status == ERROR:
                what = "；".join(row.errors)
            elif row.status == LEFT_OUT:
                what = _("left out (not ticked)")
            elif row.status == CHANGED:
                what = "；".join(f"{c}：{old} → {new}" for c, old, new in row.changes)
            else:
                what = _("new") + "：" + "；".join(f"{c}：{v}" for c, v in row.values)
            if row.rename:
                what = _("rename %(old)s → %(new)s") % {"old": row.rename[0], "new": row.rename[1]} + "；" + what
            if row.similar:
                what += _did_you_mean(row.similar)
            lines.append(f"  {where}（{row.match_label}）：{what}")
    return "\n".join(lines)
