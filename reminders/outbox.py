"""Sending what the robot and SMS channels queued: batched, rate-limited, once.

The channels (``channels.py``) only write rows: ``RobotItem`` for a group robot and
``SmsMessage`` for a mobile. Here a flush turns a robot's waiting items into messages (one
markdown message for everything due for that group, split under 4,096 bytes) and sends what
it may: at most 20 a minute per robot, nothing between 21:00 and 08:00 Asia/Shanghai.

Each message is sent at most once, whatever dies when:

- a message is claimed with a conditional update and a lease before it is sent;
- ``posted_at`` is written just before the request leaves. A message whose holder vanished
  after that point (a killed worker, a connection dropped after the request was written) is
  in doubt. A robot cannot be asked whether it posted, so a robot message in doubt is
  recorded as ``uncertain`` and not sent again; an SMS in doubt is looked up at the gateway
  by its ``OutId`` and sent again only when the gateway never took it.
- errors before the request left (refused connection, DNS) retry freely.
"""

import datetime
import http.client
import json
import logging
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    Notification,
    OutboxState,
    RobotItem,
    RobotMessage,
    SmsMessage,
    SmsOptOut,
    WeComRobot,
)

logger = logging.getLogger(__name__)
State = OutboxState

ROBOT_LIMIT_PER_MINUTE = 20
MARKDOWN_MAX_BYTES = 4096
#: errcodes of the 企业微信 robot API
RATE_LIMITED, INVALID_KEY, TOO_LONG = 45009, 93000, 40058


# --- quiet hours --------------------------------------------------------------------


def quiet_until(now=None):
    """The end of the quiet hours (08:00 local) if ``now`` falls in them, else None."""
    local = timezone.localtime(now or timezone.now())
    start, end = settings.REMINDER_QUIET_HOURS
    hour = local.hour
    quiet = (start <= hour or hour < end) if start > end else (start <= hour < end)
    if not quiet:
        return None
    day = local.date() + datetime.timedelta(days=1 if hour >= end else 0)
    return datetime.datetime.combine(day, datetime.time(end), tzinfo=local.tzinfo)


# --- HTTP, with "did the request leave?" kept apart --------------------------------


class NotSent(Exception):
    """The request never left: safe to send again."""


class NoAnswer(Exception):
    """The request left and no answer came: the provider may have taken it."""


def post_json(url, payload, on_posting, timeout=None):
    """POST ``payload`` as JSON; return the decoded answer.

    ``on_posting()`` runs once the connection is open, just before the request is written.
    Errors say nothing of the address: a robot's key is in its query string.
    """
    return _request("POST", url, payload, on_posting, timeout)


def get_json(url, timeout=None):
    return _request("GET", url, None, lambda: None, timeout)


def _request(method, url, payload, on_posting, timeout):
    parts = urlsplit(url)
    conn_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    timeout = timeout or settings.REMINDER_HTTP_TIMEOUT
    conn = conn_class(parts.hostname, parts.port, timeout=timeout)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        try:
            conn.connect()
        except OSError as exc:
            raise NotSent(f"connect failed: {type(exc).__name__}") from None
        on_posting()
        body = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else None
        try:
            conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise NoAnswer(f"no answer: {type(exc).__name__}") from None
        if response.status != 200:
            raise NotSent(f"HTTP {response.status}")
        try:
            return json.loads(data)
        except ValueError:
            raise NotSent("answer is not JSON") from None
    finally:
        conn.close()


# --- claiming a message ---------------------------------------------------------------


def _lease(now):
    return now + datetime.timedelta(seconds=settings.REMINDER_OUTBOX_LEASE_SECONDS)


def _claim(model, pk, now):
    """Take a queued message, or one whose sender died (its lease ran out). True if won."""
    return bool(
        model.objects.filter(pk=pk)
        .filter(Q(state=State.QUEUED) | Q(state=State.SENDING, lease_until__lt=now))
        .update(state=State.SENDING, lease_until=_lease(now), attempts=F("attempts") + 1)
    )


def _set(model, pk, **fields):
    model.objects.filter(pk=pk).update(**fields)


# --- robots -----------------------------------------------------------------------------


def robot_url(robot):
    return f"{settings.WECOM_WEBHOOK_URL}?{urlencode({'key': robot.webhook_key})}"


def redact(text, robot):
    return text.replace(robot.webhook_key, robot.masked_key) if robot.webhook_key else text


def batch_items(robot):
    """Turn the robot's waiting items into messages (markdown, each within the size limit;
    a text message after it @-mentions the liaisons by mobile). Returns how many."""
    with transaction.atomic():
        items = list(
            RobotItem.objects.select_for_update(skip_locked=True)
            .filter(robot=robot, message=None).order_by("created_at", "pk")
        )
        if not items:
            return 0
        made = 0
        for chunk in _chunks([item.content for item in items]):
            chunk_items, items = items[: len(chunk)], items[len(chunk):]
            heading = _("**Zhujing “Xin Lian Xin” reminders** (%(n)d)") % {"n": len(chunk)}
            message = RobotMessage.objects.create(robot=robot, content="\n\n".join([heading, *chunk]))
            RobotItem.objects.filter(pk__in=[i.pk for i in chunk_items]).update(message=message)
            made += 1
            mobiles = sorted({i.mention for i in chunk_items if i.mention})
            if mobiles:
                RobotMessage.objects.create(
                    robot=robot, msgtype=RobotMessage.Type.TEXT, mentions=mobiles,
                    content=_("Liaisons, please see the reminders above."),
                )
                made += 1
        return made


def _chunks(lines, limit=MARKDOWN_MAX_BYTES - 200):
    """Group lines so each group's bytes stay under ``limit``; a long line is cut."""
    group, size = [], 0
    for line in lines:
        data = line.encode()
        if len(data) > limit:
            line = data[:limit].decode(errors="ignore") + "…"
            data = line.encode()
        if group and size + len(data) + 2 > limit:
            yield group
            group, size = [], 0
        group.append(line)
        size += len(data) + 2
    if group:
        yield group


def _payload(message):
    if message.msgtype == RobotMessage.Type.TEXT:
        return {"msgtype": "text",
                "text": {"content": message.content, "mentioned_mobile_list": message.mentions}}
    return {"msgtype": "markdown", "markdown": {"content": message.content}}


def sent_last_minute(robot, now):
    return RobotMessage.objects.filter(
        robot=robot, posted_at__gt=now - datetime.timedelta(minutes=1)
    ).count()


def send_robot_message(message, now=None):
    """Send one claimed-or-claimable robot message. Returns its state afterwards."""
    robot = message.robot
    now = now or timezone.now()
    if message.state == State.SENDING and message.posted_at and (
        message.lease_until is None or message.lease_until < now
    ):
        # Its sender died after the request left: the group may have it already.
        _set(RobotMessage, message.pk, state=State.UNCERTAIN, lease_until=None,
             last_error=_("The sender stopped after the request left; not sent again."))
        return State.UNCERTAIN
    if not _claim(RobotMessage, message.pk, now):
        return None

    def posting():
        _set(RobotMessage, message.pk, posted_at=timezone.now())

    try:
        answer = post_json(robot_url(robot), _payload(message), posting)
    except NotSent as exc:
        return _retry_robot(message, robot, redact(str(exc), robot))
    except NoAnswer as exc:
        _set(RobotMessage, message.pk, state=State.UNCERTAIN, lease_until=None,
             last_error=redact(str(exc), robot))
        logger.warning("robot %s (%s): message %s: %s; not sent again",
                       robot.pk, robot.masked_key, message.pk, exc)
        return State.UNCERTAIN
    code = answer.get("errcode")
    if code == 0:
        _set(RobotMessage, message.pk, state=State.SENT, lease_until=None, sent_at=timezone.now(),
             last_error="")
        return State.SENT
    error = redact(f"errcode {code}: {answer.get('errmsg', '')}", robot)
    if code == RATE_LIMITED:
        pause = datetime.timedelta(seconds=settings.WECOM_RATE_LIMIT_PAUSE_SECONDS)
        WeComRobot.objects.filter(pk=robot.pk).update(
            paused_until=timezone.now() + pause, last_error=error
        )
        return _retry_robot(message, robot, error)
    if code == INVALID_KEY:
        _key_rejected(robot, error)
        return _retry_robot(message, robot, error)
    if code == TOO_LONG and message.msgtype == RobotMessage.Type.MARKDOWN:
        return _split(message, error)
    _set(RobotMessage, message.pk, state=State.FAILED, lease_until=None, last_error=error)
    logger.warning("robot %s (%s): message %s failed: %s", robot.pk, robot.masked_key, message.pk, error)
    return State.FAILED


def _retry_robot(message, robot, error):
    """Back in the queue (the platform refused it, so it was not posted)."""
    _set(RobotMessage, message.pk, state=State.QUEUED, lease_until=None, posted_at=None, last_error=error)
    logger.warning("robot %s (%s): message %s will be retried: %s",
                   robot.pk, robot.masked_key, message.pk, error)
    return State.QUEUED


def _split(message, error):
    """The platform found it too long: two messages of half the paragraphs each."""
    parts = message.content.split("\n\n")
    if len(parts) < 2:
        content = message.content.encode()[: MARKDOWN_MAX_BYTES // 2].decode(errors="ignore")
        parts = [content, ""]
    half = len(parts) // 2
    with transaction.atomic():
        for chunk in (parts[:half], parts[half:]):
            if "".join(chunk).strip():
                RobotMessage.objects.create(robot=message.robot, content="\n\n".join(chunk),
                                            created_at=message.created_at)
        _set(RobotMessage, message.pk, state=State.FAILED, lease_until=None,
             last_error=error + " " + _("(split in two)"))
    return State.FAILED


def _key_rejected(robot, error):
    """errcode 93000: stop using this robot and tell the office in its inbox."""
    if not WeComRobot.objects.filter(pk=robot.pk, broken_at=None).update(
        broken_at=timezone.now(), last_error=error
    ):
        return
    logger.error("robot %s (%s): the platform rejected its key; stopped", robot.pk, robot.masked_key)
    staff = get_user_model().objects.filter(is_active=True, is_staff=True).values_list("pk", flat=True)
    Notification.objects.bulk_create(
        Notification(
            user_id=pk,
            title=_("WeCom robot “%(name)s” stopped: its webhook key was rejected") % {"name": robot.name},
            body=_("Its messages wait until a new key is saved on the robot's page in the admin."),
            link=reverse("admin:reminders_wecomrobot_change", args=[robot.pk]),
        )
        for pk in staff
    )


def robot_ready(robot, now):
    return (
        robot.is_active
        and robot.broken_at is None
        and (robot.paused_until is None or robot.paused_until <= now)
    )


def flush_robot(robot_id, now=None):
    """Batch and send what one robot has waiting, within its rate limit and outside quiet
    hours. Returns seconds until it should run again (None: nothing left)."""
    now = now or timezone.now()
    held = quiet_until(now)
    if held:
        return (held - now).total_seconds()
    lease = now + datetime.timedelta(seconds=settings.REMINDER_OUTBOX_LEASE_SECONDS)
    if not WeComRobot.objects.filter(pk=robot_id).filter(
        Q(flush_lease_until=None) | Q(flush_lease_until__lt=now)
    ).update(flush_lease_until=lease):
        return settings.REMINDER_OUTBOX_LEASE_SECONDS  # another worker is flushing it
    try:
        robot = WeComRobot.objects.get(pk=robot_id)
        if not robot.is_active or robot.broken_at:
            return None
        batch_items(robot)
        while True:
            now = timezone.now()
            robot.refresh_from_db(fields=["paused_until", "broken_at", "is_active"])
            if not robot_ready(robot, now):
                return (robot.paused_until - now).total_seconds() if robot.paused_until else None
            pending = list(
                RobotMessage.objects.filter(robot=robot)
                .filter(Q(state=State.QUEUED) | Q(state=State.SENDING, lease_until__lt=now))
                .order_by("created_at", "pk")[:1]
            )
            if not pending:
                return None
            used = sent_last_minute(robot, now)
            if used >= ROBOT_LIMIT_PER_MINUTE:
                return 60 / ROBOT_LIMIT_PER_MINUTE * 3
            if send_robot_message(pending[0], now) == State.QUEUED:
                # Refused or unreachable: the next flush tries again (or once the pause ends).
                robot.refresh_from_db(fields=["paused_until", "broken_at"])
                if robot.broken_at:
                    return None
                if robot.paused_until and robot.paused_until > timezone.now():
                    return (robot.paused_until - timezone.now()).total_seconds()
                return settings.REMINDER_OUTBOX_RETRY_SECONDS
    finally:
        WeComRobot.objects.filter(pk=robot_id).update(flush_lease_until=None)


def robots_with_work(now=None):
    """Active robots with items to batch or messages to send (or orphaned by a dead worker)."""
    now = now or timezone.now()
    items = RobotItem.objects.filter(robot=OuterRef("pk"), message=None)
    messages = RobotMessage.objects.filter(robot=OuterRef("pk")).filter(
        Q(state=State.QUEUED) | Q(state=State.SENDING, lease_until__lt=now)
    )
    return list(
        WeComRobot.objects.filter(is_active=True, broken_at=None)
        .filter(Exists(items) | Exists(messages))
        .order_by("pk").values_list("pk", flat=True)
    )


def robots_waiting_for(reminder_pk):
    return list(RobotItem.objects.filter(reminder=reminder_pk, message=None)
                .values_list("robot_id", flat=True).distinct())


def send_test_message(robot):
    """The office's "send a test message" button: one message now, quiet hours or not."""
    message = RobotMessage.objects.create(
        robot=robot, is_test=True,
        content=_("**Test message** from Zhujing “Xin Lian Xin”: this robot is set up. %(at)s")
        % {"at": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
    )
    state = send_robot_message(message)
    message.refresh_from_db()
    return state, message


# --- SMS ----------------------------------------------------------------------------------


def sms_sent_today(phone, now):
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return SmsMessage.objects.filter(
        phone=phone, posted_at__gte=start,
        state__in=[State.SENT, State.SENDING, State.UNCERTAIN],
    ).count()


def send_sms(pk, now=None):
    """Send SMS ``pk`` once. Returns seconds until it should be tried again, or None."""
    now = now or timezone.now()
    message = SmsMessage.objects.filter(pk=pk).first()
    if message is None or message.state in (State.SENT, State.FAILED, State.UNCERTAIN):
        return None
    held = quiet_until(now)
    if held:
        return (held - now).total_seconds()
    if SmsOptOut.objects.filter(phone=message.phone).exists():
        _set(SmsMessage, pk, state=State.FAILED, last_error=_("The number opted out of SMS."))
        return None
    in_doubt = message.state == State.SENDING and message.posted_at is not None
    if not _claim(SmsMessage, pk, now):
        return None
    base = settings.SMS_GATEWAY_URL.rstrip("/")
    if in_doubt:
        # Did the gateway take it before its sender died? Ask by our id, send only if not.
        try:
            found = get_json(f"{base}/query?{urlencode({'OutId': message.out_id.hex})}")
        except (NotSent, NoAnswer) as exc:
            return _retry_sms(message, f"query: {exc}")
        if found.get("Found"):
            _set(SmsMessage, pk, state=State.SENT, lease_until=None, sent_at=timezone.now(),
                 request_id=str(found.get("RequestId", ""))[:100], last_error="")
            return None
    elif sms_sent_today(message.phone, now) >= settings.SMS_DAILY_CAP_PER_NUMBER:
        tomorrow = timezone.localtime(now).date() + datetime.timedelta(days=1)
        _set(SmsMessage, pk, state=State.QUEUED, lease_until=None,
             attempts=F("attempts") - 1, last_error=_("Daily limit for this number reached; held."))
        start = datetime.datetime.combine(tomorrow, datetime.time(settings.REMINDER_QUIET_HOURS[1]),
                                          tzinfo=timezone.get_current_timezone())
        return (start - now).total_seconds()
    payload = {
        "PhoneNumbers": message.phone,
        "SignName": settings.SMS_SIGNATURE,
        "TemplateCode": message.template_code,
        "TemplateParam": json.dumps(message.params, ensure_ascii=False),
        "OutId": message.out_id.hex,
        "AccessKeyId": settings.SMS_ACCESS_KEY_ID,
    }
    try:
        answer = post_json(f"{base}/send", payload,
                           lambda: _set(SmsMessage, pk, posted_at=timezone.now()))
    except NotSent as exc:
        return _retry_sms(message, str(exc))
    except NoAnswer as exc:
        # Leave it "sending" with its posted_at: the next try asks the gateway first.
        _set(SmsMessage, pk, lease_until=now, last_error=str(exc))
        return settings.REMINDER_OUTBOX_RETRY_SECONDS
    code = answer.get("Code")
    if code == "OK":
        _set(SmsMessage, pk, state=State.SENT, lease_until=None, sent_at=timezone.now(),
             request_id=str(answer.get("RequestId", ""))[:100], last_error="")
        return None
    error = f"{code}: {answer.get('Message', '')}"[:500]
    if code in ("isv.BUSINESS_LIMIT_CONTROL", "isp.SYSTEM_ERROR", "Throttling"):
        return _retry_sms(message, error)
    _set(SmsMessage, pk, state=State.FAILED, lease_until=None, posted_at=None, last_error=error)
    logger.warning("SMS %s failed: %s", pk, error)
    return None


def _retry_sms(message, error):
    _set(SmsMessage, message.pk, state=State.QUEUED, lease_until=None, posted_at=None, last_error=error)
    logger.warning("SMS %s will be retried: %s", message.pk, error)
    return settings.REMINDER_OUTBOX_RETRY_SECONDS


def sms_with_work(now=None):
    now = now or timezone.now()
    return list(
        SmsMessage.objects.filter(Q(state=State.QUEUED) | Q(state=State.SENDING, lease_until__lt=now))
        .values_list("pk", flat=True)
    )


def sms_waiting_for(reminder_pk):
    return list(SmsMessage.objects.filter(reminder=reminder_pk, state=State.QUEUED)
                .values_list("pk", flat=True))


def opt_out(phone):
    try:
        with transaction.atomic():
            SmsOptOut.objects.get_or_create(phone=phone)
    except IntegrityError:
        pass  # two taps at once: the first one stands
    SmsMessage.objects.filter(phone=phone, state=State.QUEUED).update(
        state=State.FAILED, last_error=_("The number opted out of SMS.")
    )
