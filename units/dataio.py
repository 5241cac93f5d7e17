"""The registry in and out of Excel: communities, member units and pairings.

Built on django-import-export (resources, widgets, its row results and ``skip_unchanged``)
with tablib datasets. What is ours:

- **Reading the file.** openpyxl reads the workbook (not tablib's loader) so that merged
  header cells, formulas and oversized or broken files become a clear Chinese message
  instead of an exception; the rows then go into a ``tablib.Dataset`` as usual.
- **One transaction for the whole workbook.** Communities, units and pairings are imported
  in that order inside one ``transaction.atomic()``, really saved so that a pairing can
  name a unit that is new in the same file, and rolled back unless the office confirmed and
  no row failed. A preview is therefore exactly what confirming would do.
- **Stable keys.** A row with an ID (编号, as the export writes it) updates that record;
  otherwise units and communities match by name, pairings by community, counterpart and
  start date. Re-importing an export changes nothing.

The column headers are Chinese constants, not translated text: they are the file's format,
and a workbook filled in Chinese must import whatever language the office's browser speaks.
"""

import datetime
import io
import logging
import zipfile
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import RowResult
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException

from core import exports

from .models import FOUNDING_YEAR, Community, District, MemberUnit, Pairing

logger = logging.getLogger(__name__)

#: An upload larger than this is refused before it is opened.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: What the XLSX (a zip) may unpack to: a zip bomb stops here.
MAX_UNZIPPED_BYTES = 30 * 1024 * 1024
#: Rows per sheet: the registry is a few hundred; more is a mistake or junk.
MAX_ROWS = 5000
XLSX_MAGIC = b"PK\x03\x04"

COMMUNITIES, UNITS, PAIRINGS = "communities", "units", "pairings"
KINDS = [COMMUNITIES, UNITS, PAIRINGS]
SHEET_TITLES = {COMMUNITIES: "村居", UNITS: "成员单位", PAIRINGS: "结对"}
ID_COLUMN = "编号"
YES, NO = "是", "否"
#: The template's example rows: importing them unchanged is refused.
EXAMPLE_COMMUNITY = "【模板示例】某某村"
EXAMPLE_UNIT = "【模板示例】某某公司"
#: Between allowed values: not 、, which is inside the label 市、区级机关.
LIST_SEPARATOR = "／"


class FileError(Exception):
    """The file as a whole cannot be imported; the message is for the office."""


class Formula(str):
    """A cell that holds a formula: refused, its result could be anything."""


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
        return str(value).replace("\x00", "")

    def render(self, value, obj=None, **kwargs):
        return value or ""


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
        text = str(value)
        if text.isascii() and text.isdigit():
            return int(text)
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return value


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

    def clean(self, value, row=None, **kwargs):
        value = _plain(value)
        if value in (None, ""):
            return ""
        text = str(value)
        for code, label in self.choices:
            if text in (code, _zh(label), str(label)):
                return code
            with translation.override("en"):
                if text == str(label):
                    return code
        raise ValueError(
            _("Unknown value “%(value)s”: use one of %(allowed)s.")
            % {"value": text, "allowed": LIST_SEPARATOR.join(self.labels())}
        )

    def render(self, value, obj=None, **kwargs):
        return _zh(dict(self.choices).get(value, value or ""))


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
    """A related record named in the cell: one query for all of them, then a lookup."""

    def __init__(self, model, not_found):
        self.model = model
        self.not_found = not_found
        self._by_name = None
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        value = _plain(value)
        if value in (None, ""):
            return None
        if self._by_name is None:
            self._by_name = {obj.name: obj for obj in self.model._default_manager.all()}
        obj = self._by_name.get(str(value))
        if obj is None:
            raise ValueError(self.not_found() % {"name": value})
        return obj

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""


# --- Resources ------------------------------------------------------------------------


class KeyLoader(BaseInstanceLoader):
    """Find a row's record by its ID when given, else by the resource's natural key."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        model = resource._meta.model
        self.by_id = {obj.pk: obj for obj in resource.get_queryset()}
        self.by_key = {resource.natural_key(obj): obj for obj in self.by_id.values()}
        self.model = model
        resource.loader = self

    def get_instance(self, row):
        pk = self.resource.fields["id"].clean(row) if ID_COLUMN in row else None
        if pk is not None:
            try:
                return self.by_id[pk]
            except KeyError:
                raise ValueError(
                    _("There is no record with ID %(id)s; leave the ID empty for a new one.")
                    % {"id": pk}
                ) from None
        key = self.resource.row_key(row)
        return self.by_key.get(key) if key is not None else None


class RegistryResource(resources.ModelResource):
    """What the three kinds share: keys, duplicate rows, who imported, saving safely."""

    # Read by KeyLoader to find the record; never written to it (readonly).
    id = fields.Field(
        attribute="id", column_name=ID_COLUMN, widget=WholeNumberWidget(), readonly=True
    )

    #: Fields filled from others when empty: not reported when those others failed.
    derived_fields = []

    def __init__(self, user=None, file_name="", **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.file_name = file_name
        self.seen = {}

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
        return obj.name

    def row_key(self, row):
        name = TextWidget().clean(row.get(self.name_column))
        return name or None

    def describe(self, row):
        """How a preview row names its record."""
        return str(_plain_text(row.get(self.name_column)))

    def before_import_row(self, row, **kwargs):
        for column, value in row.items():
            if isinstance(value, Formula):
                raise ValueError(
                    _("The cell “%(column)s” holds a formula; paste its value instead.")
                    % {"column": column}
                )
        key = self.row_key(row)
        if key is not None and (key[0] if isinstance(key, tuple) else key) in (
            EXAMPLE_COMMUNITY, EXAMPLE_UNIT
        ):
            raise ValueError(_("This is the template's example row: change or delete it."))
        if key is not None:
            number = self.row_numbers[kwargs["row_number"] - 1]
            if key in self.seen:
                raise ValueError(
                    _("Duplicate: row %(row)s of this sheet has the same name.")
                    % {"row": self.seen[key]}
                )
            self.seen[key] = number

    def before_save_instance(self, instance, row, **kwargs):
        if self.user is not None:
            instance._history_user = self.user
        instance._change_reason = _("Imported from %(file)s") % {"file": self.file_name}

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
            errors = exc.update_error_dict(errors)
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


def _plain_text(value):
    try:
        return TextWidget().clean(value)
    except ValueError:
        return ""


class CommunityResource(RegistryResource):
    name_column = "名称"

    name = fields.Field(attribute="name", column_name="名称", widget=TextWidget())
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

    name = fields.Field(attribute="name", column_name="名称", widget=TextWidget())
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
        attribute="joined_year", column_name="加入年份", widget=WholeNumberWidget()
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
        return MemberUnit.objects.select_related("district")

    def dehydrate_status(self, unit):
        return _zh(_("active")) if unit.is_active else _zh(_("left the network"))

    def dehydrate_pairings(self, unit):
        return "、".join(
            p.community.name for p in unit.pairings.all() if p.status == Pairing.Status.ACTIVE
        )

    def dehydrate_accounts(self, unit):
        return "、".join(u.username for u in unit.liaisons.all() if u.is_active)

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
            pairing.community.name,
            pairing.unit.name if pairing.unit_id else "",
            pairing.partner_community.name if pairing.partner_community_id else "",
            pairing.started_on,
        )

    def row_key(self, row):
        community = _plain_text(row.get("村居"))
        if not community:
            return None
        try:
            started_on = DateWidget().clean(row.get("开始日期"))
        except ValueError:
            started_on = None
        return (
            community,
            _plain_text(row.get("成员单位")),
            _plain_text(row.get("结对村居")),
            started_on or timezone.localdate(),
        )

    def describe(self, row):
        counterpart = _plain_text(row.get("成员单位")) or _plain_text(row.get("结对村居"))
        return f"{_plain_text(row.get('村居'))} – {counterpart}"

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
        if active.get(key, instance.pk) != instance.pk:
            return {
                NON_FIELD_ERRORS: _(
                    "%(community)s already has an active pairing with %(counterpart)s."
                )
                % {"community": instance.community, "counterpart": instance.counterpart}
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


def _file_fields(resource):
    """The columns an import reads: the ID and every field that is not export-only."""
    return [
        f for f in resource.get_import_fields() if not f.readonly or f.column_name == ID_COLUMN
    ]


def _headers_of(kind):
    return [f.column_name for f in _file_fields(RESOURCES[kind]())]


def _kind_of(title, headers):
    for kind, sheet_title in SHEET_TITLES.items():
        if title.strip() == sheet_title:
            return kind
    # One file per kind: recognised by its columns.
    for kind in reversed(KINDS):
        required = set(_headers_of(kind)) - {ID_COLUMN}
        if len(required & set(headers)) >= len(required) - 2:
            return kind
    return None


def _cell_value(cell):
    if cell.data_type == "f":
        return Formula(str(cell.value))
    return cell.value


def _not_xlsx():
    return _(
        "This is not an Excel workbook (.xlsx). Save it from Excel or WPS as .xlsx and try again."
    )


def read_workbook(data):
    """The registry sheets of an XLSX file, or ``FileError`` saying what is wrong."""
    if not data:
        raise FileError(_("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileError(
            _(
                "The file is larger than %(size)s MB; split it or remove what is not "
                "registry data."
            )
            % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    if not data.startswith(XLSX_MAGIC):
        raise FileError(_not_xlsx())
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise FileError(_("The workbook unpacks to too much data to be a registry."))
        book = load_workbook(io.BytesIO(data), data_only=False)
    except FileError:
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, TypeError):
        raise FileError(_not_xlsx()) from None
    except Exception:  # openpyxl raises many kinds of errors on damaged files
        logger.warning("unreadable workbook", exc_info=True)
        raise FileError(_("The workbook is damaged and cannot be read.")) from None

    sheets = {}
    for worksheet in book.worksheets:
        if worksheet.max_row > MAX_ROWS + 1:
            raise FileError(
                _("The sheet “%(sheet)s” has more than %(rows)s rows.")
                % {"sheet": worksheet.title, "rows": MAX_ROWS}
            )
        rows = worksheet.iter_rows()
        header_cells = next(rows, ())
        headers = [str(c.value).strip() if c.value is not None else "" for c in header_cells]
        kind = _kind_of(worksheet.title, headers)
        if kind is None:
            continue
        if kind in sheets:
            raise FileError(
                _("The workbook has two sheets of %(kind)s; keep one.")
                % {"kind": SHEET_TITLES[kind]}
            )
        for merged in worksheet.merged_cells.ranges:
            raise FileError(
                _(
                    "The sheet “%(sheet)s” has merged cells (%(range)s): "
                    "unmerge them, one value per cell."
                )
                % {"sheet": worksheet.title, "range": merged.coord}
            )
        missing = [h for h in _required_headers(kind) if h not in headers]
        if missing:
            raise FileError(
                _(
                    "The sheet “%(sheet)s” lacks the columns %(columns)s; "
                    "download the template to see them."
                )
                % {"sheet": worksheet.title, "columns": "、".join(missing)}
            )
        keep = [i for i, h in enumerate(headers) if h]
        dataset = tablib.Dataset(headers=[headers[i] for i in keep])
        numbers = []
        for number, cells in enumerate(rows, start=2):
            values = [_cell_value(cells[i]) if i < len(cells) else None for i in keep]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            dataset.append(values)
            numbers.append(number)
        sheets[kind] = Sheet(kind, worksheet.title, dataset, numbers)
    if not sheets:
        raise FileError(
            _("No sheet named %(names)s was found; download the template and fill it in.")
            % {"names": "、".join(f"“{t}”" for t in SHEET_TITLES.values())}
        )
    if not any(len(s.dataset) for s in sheets.values()):
        raise FileError(_("The workbook has no data rows."))
    return [sheets[kind] for kind in KINDS if kind in sheets]


def _required_headers(kind):
    return {
        COMMUNITIES: ["名称", "类型", "片区"],
        UNITS: ["名称", "类别", "加入年份"],
        PAIRINGS: ["村居"],
    }[kind]


# --- Preview and import ---------------------------------------------------------------

NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"


@dataclass
class RowPreview:
    number: int
    status: str
    label: str
    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)


@dataclass
class SheetPreview:
    kind: str
    title: str
    rows: list

    def count(self, status):
        return sum(1 for r in self.rows if r.status == status)

    @property
    def counts(self):
        return {s: self.count(s) for s in (NEW, CHANGED, UNCHANGED, ERROR)}

    @property
    def shown_rows(self):
        """What the office must look at: everything but unchanged rows."""
        return [r for r in self.rows if r.status != UNCHANGED]


@dataclass
class Preview:
    sheets: list
    committed: bool = False

    @property
    def error_count(self):
        return sum(s.count(ERROR) for s in self.sheets)

    @property
    def change_count(self):
        return sum(s.count(NEW) + s.count(CHANGED) for s in self.sheets)

    def total(self, status):
        return sum(s.count(status) for s in self.sheets)


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
    if row_result.import_type == RowResult.IMPORT_TYPE_INVALID:
        return RowPreview(number, ERROR, label, errors=_messages(row_result.validation_error))
    if row_result.import_type == RowResult.IMPORT_TYPE_ERROR:
        errors = []
        for error in row_result.errors:
            if isinstance(error.error, ValueError):
                errors.append(str(error.error))
            else:
                logger.warning("import row %s failed: %r", number, error.error)
                errors.append(_("This row could not be saved: %(error)s") % {"error": error.error})
        return RowPreview(number, ERROR, label, errors=errors)
    if row_result.import_type == RowResult.IMPORT_TYPE_NEW:
        return RowPreview(number, NEW, label)
    if row_result.import_type == RowResult.IMPORT_TYPE_SKIP:
        return RowPreview(number, UNCHANGED, label)
    changes = []
    for f in resource.get_import_fields():
        if f.readonly or f.attribute == "id" or f.column_name not in row:
            continue
        old, new = f.export(row_result.original), f.export(row_result.instance)
        if old != new:
            changes.append((f.column_name, _shown(old), _shown(new)))
    return RowPreview(number, CHANGED, label, changes=changes)


def _shown(value):
    return "—" if value in (None, "") else value


def read_workbooks(files):
    """The sheets of several workbooks (one file per kind, say), in import order."""
    by_kind = {}
    for data in files:
        for sheet in read_workbook(data):
            if sheet.kind in by_kind:
                raise FileError(
                    _("The workbook has two sheets of %(kind)s; keep one.")
                    % {"kind": SHEET_TITLES[sheet.kind]}
                )
            by_kind[sheet.kind] = sheet
    return [by_kind[kind] for kind in KINDS if kind in by_kind]


def run_import(data, *, user=None, file_name="", commit=False):
    """Preview (``commit=False``) or import the workbook; all or nothing.

    ``data`` is a workbook's bytes, or a list of them (one file per kind) imported as
    one. Everything is really saved in one transaction, so later sheets see earlier rows,
    and rolled back unless ``commit`` is set and no row failed.
    """
    sheets = read_workbooks(data if isinstance(data, list) else [data])
    previews = []
    with transaction.atomic():
        for sheet in sheets:
            resource = RESOURCES[sheet.kind](user=user, file_name=file_name)
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
            previews.append(SheetPreview(sheet.kind, sheet.title, rows))
        preview = Preview(previews)
        if commit and not preview.error_count:
            preview.committed = True
        else:
            transaction.set_rollback(True)
    return preview


# --- Export and the template -------------------------------------------------------------


def units_queryset(queryset=None):
    queryset = MemberUnit.objects.all() if queryset is None else queryset
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
            notes.append([SHEET_TITLES[kind], f.column_name, required, allowed])
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
        ]
    note_rows = [[line, "", "", ""] for line in intro] + [["", "", "", ""]] + notes
    sheets.append(("填写说明", ["工作表", "列", "必填", "可填的值与说明"], note_rows, [40, 16, 8, 60]))
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
    for sheet in preview.sheets:
        lines.append(
            _(
                "%(sheet)s: %(new)s new, %(changed)s changed, %(unchanged)s unchanged, "
                "%(error)s errors"
            )
            % {"sheet": sheet.title, **sheet.counts}
        )
        for row in sheet.shown_rows:
            where = _("row %(number)s, %(label)s") % {"number": row.number, "label": row.label}
            if row.status == ERROR:
                what = "；".join(row.errors)
            elif row.status == CHANGED:
                what = "；".join(f"{c}：{old} → {new}" for c, old, new in row.changes)
            else:
                what = _("new")
            lines.append(f"  {where}：{what}")
    return "\n".join(lines)
