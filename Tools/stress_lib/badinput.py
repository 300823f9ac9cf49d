"""Campaign `badinput`: malformed input for `append` (JSON Lines) and `import` (CSV).

Each invocation gets a batch: valid lines, then the first bad line at a random place, then a mix
of valid and bad lines (or a single bad line, one invocation in three). The bad lines are broken
JSON and CSV, wrong types, impossible dates, unknown citizens, periods, job orders, goals and
sequence numbers, huge lines (> 64 KiB), invalid UTF-8, and CPR-shaped strings where they do
not belong (built at run time; this file holds none).

Checked for every invocation:
- no crash and no hang: exit status 1 or 2, never a signal, within the timeout;
- nothing written: the head and the segment are byte for byte as before (and `verify --json`
  gives the same head, checked every 50 invocations and at the end);
- the first bad line decides (FORMAT.md section 7, "the first bad line rejects it"): the message
  names `line N` of that line and, where a field is meaningful, `field F` of that field;
- no CPR-shaped string in standard output or standard error.
"""
import json
import random

from . import inputs
from .common import Binary, CampaignError, Report, Scratch, cpr_shaped, cpr_shapes_in, display_path

VERIFY_EVERY_INVOCATIONS = 50
MESSAGE = r"line (\d+)(?:, field ([^:]+))?: "


class Line:
    """One input line (or CSV row): its bytes without the line end, whether it is bad, what kind,
    the fields an error about it may name (None: the line as a whole), and when it is checked."""

    def __init__(self, data, bad=False, kind="valid", fields=None, phase=None):
        self.data = data if isinstance(data, bytes) else data.encode("utf-8")
        self.bad = bad
        self.kind = kind
        self.fields = fields
        self.phase = phase


def bad(data, kind, fields, phase):
    return Line(data, True, kind, None if fields is None else set(fields), phase)


class Context:
    """The ledger's state the generators rely on, and a random source."""

    def __init__(self, rng):
        self.rng = rng
        self.registered = []        # pseudonyms registered at setup
        self.cpr_registered = []    # CPR-shaped numbers registered at setup (pseudonymised by the product)
        self.open_benefit = []      # citizens with an open a-dagpenge spell since 2013-02-01
        self.no_periods = []        # citizens with no open period
        self.counter = 0

    def fresh(self):
        self.counter += 1
        return inputs.pseudonym(self.rng, 0xE, self.counter)

    def cpr(self, real_date=True):
        return cpr_shaped(self.rng, real_date, self.rng.choice(["-", ""]))

    def municipality(self):
        return self.rng.choice(inputs.MUNICIPALITIES)

    def person(self):
        """A registered citizen given either way: ("citizen", pseudonym) or ("cpr", number)."""
        if self.cpr_registered and self.rng.random() < 0.3:
            number = self.rng.choice(self.cpr_registered)
            return "cpr", number if self.rng.random() < 0.5 else number.replace("-", "")
        return "citizen", self.rng.choice(self.registered)


# MARK: JSON lines

def dumps(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def valid_json(ctx):
    """A valid input event (dict) that stays valid anywhere in any batch."""
    rng = ctx.rng
    choice = rng.randrange(8)
    if choice == 0:
        return inputs.company_visit(rng.randrange(10_000_000, 99_999_999), ctx.municipality())
    if choice == 1:
        return inputs.survey(rng.random() < 0.5, ctx.municipality())
    if choice == 2:
        return inputs.event_held(rng.choice(["Jobmesse", "Virksomhedernes Dag", "Café for ledige"]) + f" {rng.randrange(99)}",
                                 rng.randrange(0, 500), ctx.municipality())
    if choice == 3:
        return inputs.citizen_block(rng, ctx.fresh(), "x")[0]
    if choice == 4:
        return reference_figure(rng, rng.choice(["12.5", "0.25", "7", "-1.5", "33.333333"]))
    key, who = ctx.person()
    if choice == 5:
        e = inputs.event("match_assessed", "2014-0%d-1%d" % (rng.randint(1, 9), rng.randint(0, 9)), ctx.municipality(),
                         None, {"category": rng.choice(inputs.CATEGORIES)})
    elif choice == 6:
        e = inputs.paid_hours(None, ctx.municipality(), rng.randrange(20000))
    else:
        e = inputs.event("job_order_referral", "2014-05-0%d" % rng.randint(1, 9), ctx.municipality(), None,
                         {"order_id": "JO-1"})
    del e["citizen"]
    e[key] = who
    return e


def reference_figure(rng, value_text):
    """A reference figure whose value is written exactly as `value_text` (a JSON number)."""
    return {"type": "reference_figure", "effective": "2014-12-31", "municipality": None,
            "facts": {"name": "national-average/M11", "period": "2014", "value": Raw(value_text), "unit": "percent",
                      "source": "Jobindsats"}}


class Raw(str):
    """A JSON number's text, written as it is."""


def dumps_raw(value):
    """JSON text where Raw values are written without quotes (for numbers json cannot make)."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(dumps(k) + ":" + dumps_raw(v) for k, v in value.items()) + "}"
    return dumps(value)


def json_line(value):
    return dumps_raw(value)


def with_changes(event, **changes):
    e = dict(event)
    for key, value in changes.items():
        if value is DELETE:
            e.pop(key, None)
        else:
            e[key] = value
    return e


DELETE = object()


def survey(ctx, **facts):
    f = {"respondent": "citizen", "satisfied": True}
    f.update(facts)
    return {"type": "survey_response", "effective": "2014-04-01", "municipality": ctx.municipality(), "facts": f}


def person_event(ctx, type_, facts, effective="2014-06-02", who=None):
    e = {"type": type_, "effective": effective, "municipality": ctx.municipality()}
    key, value = who or ctx.person()
    e[key] = value
    e["facts"] = facts
    return e


def bad_json(ctx):
    """A bad JSON line: (Line, first-line-decides metadata)."""
    rng = ctx.rng
    template = json_line(valid_json(ctx))
    kinds = [
        # Syntax: the line as a whole is wrong (no field).
        ("truncated JSON", 3, lambda: bad(template[:rng.randrange(1, len(template) - 1)], "truncated JSON", None, "parse")),
        ("trailing data", 1, lambda: bad(template + rng.choice([" x", "}", ",", "{}", " 1"]), "trailing data", None, "parse")),
        ("single quotes", 1, lambda: bad(template.replace('"', "'"), "single quotes", None, "parse")),
        ("unquoted key", 1, lambda: bad(template.replace('"type"', "type", 1), "unquoted key", None, "parse")),
        ("trailing comma", 1, lambda: bad(template[:-1] + ",}", "trailing comma", None, "parse")),
        ("not an object", 1, lambda: bad(rng.choice(["42", '"text"', "[1,2]", "null", "true", "[]"]), "not an object", None,
                                         "parse")),
        ("invalid escape", 1, lambda: bad(json_line(survey(ctx)).replace('"citizen"', '"cit\\izen"'), "invalid escape",
                                          None, "parse")),
        ("lone surrogate", 1, lambda: bad(dumps_raw(inputs.event_held("x", 1))[:-2].replace('"x"', '"\\ud800x"') + "}}",
                                          "lone surrogate", None, "parse")),
        ("raw control character", 1, lambda: bad(json_line(inputs.event_held("a\x01b", 1)).replace("\\u0001", "\x01"),
                                                 "raw control character", None, "parse")),
        ("NaN or Infinity", 1, lambda: bad(json_line(inputs.event_held("x", 1)).replace(":1}", ":" + rng.choice(
            ["NaN", "Infinity", "-Infinity"]) + "}"), "NaN or Infinity", None, "parse")),
        ("leading zeros", 1, lambda: bad(json_line(inputs.event_held("x", 1)).replace(":1}", ":012}"), "leading zeros", None,
                                         "parse")),
        ("deep nesting", 1, lambda: deep(rng)),
        ("duplicate keys", 1, lambda: bad(template[:-1] + ',"type":"survey_response"}', "duplicate keys", None, "parse")),
        ("invalid UTF-8", 2, lambda: invalid_utf8(rng, template)),
        ("huge line", 1, lambda: huge(rng, ctx)),
        # The envelope.
        ("missing type", 1, lambda: bad(json_line(with_changes(survey(ctx), type=DELETE)), "missing type", ["type"],
                                        "decode")),
        ("type not a string", 1, lambda: bad(json_line(with_changes(survey(ctx), type=rng.choice([7, None, [], True]))),
                                             "type not a string", ["type"], "decode")),
        ("unknown type", 1, lambda: bad(json_line(with_changes(survey(ctx), type=rng.choice(
            ["survey", "benefit_start", "Survey_Response", "", "ledger_opened", "publication"]))), "unknown type", ["type"],
            "decode")),
        ("unknown key", 1, lambda: unknown_key(rng, ctx)),
        ("recorded_at without --historical", 1, lambda: bad(json_line(with_changes(
            survey(ctx), recorded_at="2014-01-01T00:00:00.000Z")), "recorded_at", ["recorded_at"], "decode")),
        ("effective missing", 1, lambda: bad(json_line(with_changes(survey(ctx), effective=DELETE)), "effective missing",
                                             ["effective"], "decode")),
        ("impossible date", 3, lambda: bad(json_line(with_changes(survey(ctx), effective=rng.choice(IMPOSSIBLE_DATES))),
                                           "impossible date", ["effective"], "decode")),
        ("date not a string", 1, lambda: bad(json_line(with_changes(survey(ctx), effective=rng.choice([20140101, None, [],
                                                                                                          False]))),
                                             "date not a string", ["effective"], "decode")),
        ("effective years ahead", 1, lambda: bad(json_line(with_changes(survey(ctx), effective="2100-01-01")),
                                                 "effective years ahead", ["effective"], "validate")),
        ("bad municipality", 2, lambda: bad(json_line(with_changes(survey(ctx), municipality=rng.choice(
            [True, "18", "1830", "abc", 12.5, [], "18 "]))), "bad municipality", ["municipality"], "decode")),
        ("foreign municipality", 1, lambda: bad(json_line(with_changes(survey(ctx), municipality=rng.choice(["250", "270",
                                                                                                           "101"]))),
                                                "foreign municipality", ["municipality"], "validate")),
        ("missing municipality", 1, lambda: bad(json_line(with_changes(survey(ctx), municipality=DELETE)),
                                                "missing municipality", ["municipality"], "validate")),
        ("malformed citizen", 2, lambda: bad(json_line(person_event(ctx, "match_assessed", {"category": "jobparat"}, who=(
            "citizen", rng.choice(["c-123", "C-0123456789ABCDEF", 12, "c-0123456789abcdeg", "", ctx.cpr()])))),
            "malformed citizen", ["citizen"], "decode")),
        ("unknown citizen", 2, lambda: bad(json_line(person_event(ctx, "match_assessed", {"category": "jobparat"}, who=(
            "citizen", ctx.fresh()))), "unknown citizen", ["citizen"], "validate")),
        ("unknown person by CPR", 1, lambda: bad(json_line(person_event(ctx, "match_assessed", {"category": "jobparat"},
                                                                        who=("cpr", ctx.cpr()))),
                                                 "unknown person by CPR", ["citizen"], "validate")),
        ("invalid CPR", 2, lambda: bad(json_line(person_event(ctx, "match_assessed", {"category": "jobparat"}, who=(
            "cpr", rng.choice([ctx.cpr(real_date=False), ctx.cpr()[:-1], 1234, "abcdefghij", ctx.cpr() + "0"])))),
            "invalid CPR", ["cpr"], "decode")),
        ("citizen and CPR", 1, lambda: bad(json_line(dict(person_event(ctx, "match_assessed", {"category": "jobparat"}),
                                                          citizen=rng.choice(ctx.registered), cpr=ctx.cpr())),
                                           "citizen and CPR", ["cpr"], "decode")),
        ("no citizen for a person's event", 1, lambda: bad(json_line({"type": "match_assessed", "effective": "2014-06-02",
                                                                      "municipality": "183",
                                                                      "facts": {"category": "jobparat"}}),
                                                           "no citizen", ["citizen"], "validate")),
        ("citizen on a company event", 1, lambda: bad(json_line(dict(inputs.company_visit(12345678, "183"),
                                                                     citizen=rng.choice(ctx.registered))),
                                                      "citizen on a company event", ["citizen"], "validate")),
        # Facts.
        ("facts not an object", 1, lambda: bad(json_line(with_changes(survey(ctx), facts=rng.choice([[], "x", 5, True]))),
                                               "facts not an object", ["facts"], "decode")),
        ("unknown fact", 1, lambda: bad(json_line(survey(ctx, comment="ok")), "unknown fact", ["facts.comment"],
                                        "validate")),
        ("missing fact", 1, lambda: bad(json_line(with_changes(survey(ctx), facts={"respondent": "citizen"})),
                                        "missing fact", ["facts.satisfied"], "validate")),
        ("wrong fact type", 3, lambda: wrong_fact(ctx)),
        ("text too long", 1, lambda: bad(json_line(inputs.event_held("x" * rng.randint(201, 5000), 1)), "text too long",
                                         ["facts.name"], "validate")),
        ("control character in text", 1, lambda: bad(json_line(inputs.event_held("a" + rng.choice("\n\t\x01\x7f") + "b", 1)),
                                                     "control character in text", ["facts.name"], "validate")),
        # CPR-shaped strings where they do not belong.
        ("CPR in text", 2, lambda: bad(json_line(inputs.event_held(rng.choice(["Møde med ", "", "Borger "]) + ctx.cpr()
                                                                   + rng.choice(["", " i dag"]), 2)),
                                       "CPR in text", ["facts.name"], "validate")),
        ("CPR in identifier", 1, lambda: bad(json_line(person_event(ctx, "job_order_referral", {"order_id": ctx.cpr()})),
                                             "CPR in identifier", ["facts.order_id"], "validate")),
        ("CPR as a decimal", 1, lambda: bad(json_line(reference_figure(rng, cpr_number(ctx))), "CPR as a decimal",
                                            ["facts.value"], "validate")),
        ("CPR as a whole number", 1, lambda: bad(json_line(person_event(ctx, "paid_hours_registered", {
            "month": "2014-01", "hours": Raw(cpr_number(ctx))})), "CPR as a whole number", ["facts.hours"], "validate")),
        ("CPR in a closed list", 1, lambda: bad(json_line(person_event(ctx, "match_assessed", {"category": ctx.cpr()})),
                                                "CPR in a closed list", ["facts.category"], "validate")),
        ("CPR as the type", 1, lambda: bad(json_line(with_changes(survey(ctx), type=ctx.cpr())), "CPR as the type",
                                           ["type"], "decode")),
        ("CPR as the date", 1, lambda: bad(json_line(with_changes(survey(ctx), effective=ctx.cpr())), "CPR as the date",
                                           ["effective"], "decode")),
        ("CPR as the municipality", 1, lambda: bad(json_line(with_changes(survey(ctx), municipality=ctx.cpr())),
                                                   "CPR as the municipality", ["municipality"], "decode")),
        ("CPR as a key", 1, lambda: bad(json_line(dict(survey(ctx), **{ctx.cpr(): 1})), "CPR as a key", None, "decode")),
        ("CPR as a fact name", 1, lambda: bad(json_line(survey(ctx, **{ctx.cpr(): "x"})), "CPR as a fact name", None,
                                              "validate")),
        # Rules checked against the ledger.
        ("period already open", 1, lambda: bad(json_line(person_event(ctx, "benefit_started", {"benefit": "a-dagpenge"},
                                                                      who=("citizen", rng.choice(ctx.open_benefit)))),
                                               "period already open", ["type", "facts.benefit"], "validate")),
        ("no open period", 2, lambda: no_period(ctx)),
        ("closed before it started", 1, lambda: bad(json_line(person_event(
            ctx, "benefit_ended", {"benefit": "a-dagpenge", "reason": "job"}, effective="2012-12-31",
            who=("citizen", rng.choice(ctx.open_benefit)))), "closed before it started", ["effective"], "validate")),
        ("unknown job order", 1, lambda: bad(json_line(person_event(ctx, "job_order_referral", {"order_id": "JO-404"})),
                                             "unknown job order", ["facts.order_id"], "validate")),
        ("unknown goal", 1, lambda: bad(json_line({"type": "goal_amended", "effective": "2014-03-01", "municipality": None,
                                                   "facts": {"goal_id": "G-404", "target": 10}}),
                                        "unknown goal", ["facts.goal_id"], "validate")),
        ("bad correction", 2, lambda: bad_correction(ctx)),
        ("birth after effective", 1, lambda: bad(json_line(with_changes(inputs.citizen_block(rng, ctx.fresh(), "x")[0],
                                                                        effective="1950-01-01")),
                                                 "birth after effective", ["facts.birth_date"], "validate")),
        ("refugee without arrival", 1, lambda: refugee(ctx)),
        ("other actor without a name", 1, lambda: bad(json_line(person_event(ctx, "activation_started", {
            "activity_id": "AA-%d" % rng.randrange(10 ** 6), "kind": "mentor", "provider": "anden-aktoer"})),
            "other actor without a name", ["facts.provider_name"], "validate")),
    ]
    names, weights = zip(*[(k[0], k[1]) for k in kinds])
    name = rng.choices(names, weights=weights)[0]
    return dict((k[0], k[2]) for k in kinds)[name]()


#: Not real calendar dates in the form YYYY-MM-DD. (CSV cells are trimmed of spaces, so the entries
#: with a leading space or empty are used for JSON only.)
IMPOSSIBLE_DATES = ["2014-02-30", "2013-02-29", "2100-02-29", "2014-13-01", "2014-00-10", "2014-04-31", "2014-06-00",
                    "14-01-01", "2014-1-1", "2014-01-01T00:00:00", "", " 2014-01-01", "2014/01/01", "01-02-2014",
                    "\uff12\uff10\uff11\uff14-01-01", "2014-01-011", "+2014-01-01"]
NO_PERIOD_TYPES = ["employment_ended", "flexjob_ended", "education_ended", "sickleave_closed", "benefit_ended",
                   "activation_ended", "sickleave_partial_return"]


def cpr_number(ctx):
    """A CPR-shaped ten-digit whole number (no leading zero, so it is a valid JSON number)."""
    text = ctx.cpr().replace("-", "")
    return text if text[0] != "0" else "1" + text[1:]


def deep(rng):
    depth = rng.randint(17, 30000)
    return bad("[" * depth + "]" * depth, "deep nesting", None, "parse")


def invalid_utf8(rng, template):
    data = bytearray(template.encode("utf-8"))
    position = rng.randrange(len(data))
    data[position:position] = rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf8\x88\x80\x80\x80"])
    return bad(bytes(data), "invalid UTF-8", None, "parse")


def huge(rng, ctx):
    size = rng.randint(65_537, 200_000)
    e = inputs.event_held("x", 1)
    text = json_line(e)
    if rng.random() < 0.5:
        text = json_line(inputs.event_held("y" * (size - len(text)), 1))
    else:
        text = text[:1] + " " * (size - len(text)) + text[1:]
    return bad(text, "huge line", None, "parse")


def unknown_key(rng, ctx):
    key = rng.choice(["seq", "hash", "prev", "comment", "Type", "effektiv", "recorded", "name", "facts2"])
    return bad(json_line(dict(survey(ctx), **{key: "x"})), "unknown key", [key], "decode")


def wrong_fact(ctx):
    rng = ctx.rng
    choice = rng.randrange(9)
    if choice == 0:
        return bad(json_line(inputs.event_held("x", rng.choice(["many", -1, 1.5, 10 ** 7, True]))), "wrong fact type",
                   ["facts.participants"], "validate")
    if choice == 1:
        return bad(json_line(survey(ctx, satisfied=rng.choice(["maybe", 2, None, [], "jaja"]))), "wrong fact type",
                   ["facts.satisfied"], "validate")
    if choice == 2:
        cvr = rng.choice(["1234", "123456789", "abcdefgh", 12345678.5])
        return bad(json_line(dict(inputs.company_visit(1, "183"), facts={"cvr": cvr})), "wrong fact type", ["facts.cvr"],
                   "validate")
    if choice == 3:
        return bad(json_line(person_event(ctx, "paid_hours_registered", {"month": "2014-01", "hours": rng.choice(
            [0, 745, -1, "x", 1.5])})), "wrong fact type", ["facts.hours"], "validate")
    if choice == 4:
        return bad(json_line(person_event(ctx, "paid_hours_registered", {"month": rng.choice(
            ["2014-13", "2014", "14-01", "2014-00"]), "hours": 3})), "wrong fact type", ["facts.month"], "validate")
    if choice == 5:
        e = inputs.citizen_block(rng, ctx.fresh(), "x")[0]
        e["facts"]["birth_date"] = rng.choice(IMPOSSIBLE_DATES[:8])
        return bad(json_line(e), "wrong fact type", ["facts.birth_date"], "validate")
    if choice == 6:
        return bad(json_line(person_event(ctx, "match_assessed", {"category": rng.choice(["Jobparat", "ready", "", 3])})),
                   "wrong fact type", ["facts.category"], "validate")
    if choice == 7:
        return bad(json_line(person_event(ctx, "benefit_started", {"benefit": rng.choice(["dagpenge", "A-dagpenge", 1])},
                                          who=("citizen", rng.choice(ctx.no_periods)))),
                   "wrong fact type", ["facts.benefit"], "validate")
    return bad(json_line(reference_figure(rng, rng.choice(["1e5", "1.0000001", "1E2", "0.1234567", "1.5e-3"]))),
               "wrong fact type", ["facts.value"], "validate")


def no_period(ctx):
    rng = ctx.rng
    type_ = rng.choice(NO_PERIOD_TYPES)
    facts = {"employment_ended": {}, "flexjob_ended": {}, "education_ended": {"reason": "completed"},
             "sickleave_closed": {"reason": "recovered"}, "benefit_ended": {"benefit": "kontanthjaelp", "reason": "job"},
             "activation_ended": {"activity_id": "NONE-1"}, "sickleave_partial_return": {}}[type_]
    return bad(json_line(person_event(ctx, type_, facts, who=("citizen", rng.choice(ctx.no_periods)))), "no open period",
               ["type", "facts.benefit", "facts.activity_id"], "validate")


def bad_correction(ctx):
    rng = ctx.rng
    corrects, action = rng.choice([(10 ** 9, "retract"), (1, "retract"), (2, "retract"), (0, "retract"),
                                   (-3, "retract"), (2, "undo")])
    fields = ["facts.action"] if action == "undo" else ["facts.corrects"]
    return bad(json_line({"type": "correction", "facts": {"corrects": corrects, "action": action,
                                                          "correction_reason": "duplicate"}}),
               "bad correction", fields, "validate")


def refugee(ctx):
    e = inputs.citizen_block(ctx.rng, ctx.fresh(), "x")[0]
    e["facts"]["refugee"] = True
    return bad(json_line(e), "refugee without arrival", ["facts.arrival_date"], "validate")


# MARK: CSV

CSV_TYPES = {
    "event_held": ["effective", "municipality", "name", "participants"],
    "match_assessed": ["effective", "municipality", "citizen", "category"],
    "citizen_registered": ["effective", "municipality", "citizen", "birth_date", "education"],
}


def csv_cell(text, rng, force_quote=False):
    if force_quote or any(c in text for c in ',";\n\r') or rng.random() < 0.1:
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_row(cells, rng):
    return ",".join(csv_cell(c, rng) for c in cells)


def valid_csv_row(ctx, type_):
    rng = ctx.rng
    m = ctx.municipality()
    if type_ == "event_held":
        return csv_row(["2014-03-20", m, rng.choice(["Jobmesse, Ishøj", 'Café "Ledig"', "Virksomhedernes Dag"]),
                        str(rng.randrange(500))], rng)
    if type_ == "match_assessed":
        return csv_row(["2014-06-02", m, rng.choice(ctx.registered), rng.choice(inputs.CATEGORIES)], rng)
    return csv_row(["2013-01-02", m, ctx.fresh(), "1980-05-17", rng.choice(["none", "vocational", "higher"])], rng)


def bad_csv_row(ctx, type_):
    """A bad CSV row for a file of `type_` (its columns as in CSV_TYPES)."""
    rng = ctx.rng
    columns = CSV_TYPES[type_]
    valid_cells = {"event_held": ["2014-03-20", "183", "Jobmesse", "40"],
                   "match_assessed": ["2014-06-02", "187", rng.choice(ctx.registered), "jobparat"],
                   "citizen_registered": ["2013-01-02", "183", ctx.fresh(), "1980-05-17", "none"]}[type_]

    def with_cell(column, value, kind, fields, phase):
        cells = list(valid_cells)
        cells[columns.index(column)] = value
        return bad(",".join(csv_cell(c, rng) for c in cells), kind, fields, phase)

    fact_column = {"event_held": "participants", "match_assessed": "category", "citizen_registered": "birth_date"}[type_]
    fact_value = {"event_held": rng.choice(["many", "-1", "1.5", "10000000"]),
                  "match_assessed": rng.choice(["ready", "Jobparat"]),
                  "citizen_registered": rng.choice(IMPOSSIBLE_DATES[:8])}[type_]
    choices = [
        (2, lambda: bad(",".join(valid_cells[:-1]) + ',"' + valid_cells[-1], "unterminated quote", None, "parse")),
        (1, lambda: bad(valid_cells[0] + ',18"3,' + ",".join(valid_cells[2:]), "quote in an unquoted cell", None, "parse")),
        (1, lambda: bad(",".join(valid_cells[:-1]) + ',"' + valid_cells[-1] + '"x', "text after a closing quote", None,
                        "parse")),
        (1, lambda: bad(",".join(valid_cells) + "\r" + ",".join(valid_cells), "carriage return without line feed", None,
                        "parse")),
        (1, lambda: bad(",".join(valid_cells) + "," * rng.randint(200, 400), "more than 200 cells", None, "parse")),
        (1, lambda: bad(",".join(valid_cells[:-1]) + "," + "z" * rng.randint(65_537, 120_000), "huge row", None,
                        "parse")),
        (2, lambda: invalid_utf8_csv(rng, valid_cells)),
        (2, lambda: bad(",".join(valid_cells + ["extra"] * rng.randint(1, 3)), "too many cells", None, "decode")),
        (2, lambda: bad(",".join(valid_cells[:-rng.randint(1, len(valid_cells) - 1)]), "too few cells", None, "decode")),
        (3, lambda: with_cell("effective", rng.choice([d for d in IMPOSSIBLE_DATES if d.strip() == d and d]),
                              "impossible date", ["effective"], "decode")),
        (1, lambda: with_cell("effective", "2100-01-01", "effective years ahead", ["effective"], "validate")),
        (1, lambda: with_cell("effective", ctx.cpr(), "CPR as the date", ["effective"], "decode")),
        (2, lambda: with_cell("municipality", rng.choice(["18", "1830", "abc", "1 8"]), "bad municipality",
                              ["municipality"], "decode")),
        (1, lambda: with_cell("municipality", "250", "foreign municipality", ["municipality"], "validate")),
        (2, lambda: with_cell(fact_column, fact_value, "wrong fact value", [fact_column, "facts." + fact_column], "validate")),
        (1, lambda: with_cell(fact_column, ctx.cpr(), "CPR in a fact", [fact_column, "facts." + fact_column], "validate")),
    ]
    if "citizen" in columns:
        choices += [
            (2, lambda: with_cell("citizen", rng.choice(["c-123", "C-0123456789ABCDEF", ctx.cpr()]), "malformed citizen",
                                  ["citizen"], "decode")),
            (2, lambda: with_cell("citizen", ctx.fresh(), "unknown citizen", ["citizen"], "validate")
             if type_ != "citizen_registered" else with_cell("birth_date", "2015-01-01", "birth after effective",
                                                             ["birth_date", "facts.birth_date"], "validate")),
        ]
    if "name" in columns:
        choices += [
            (2, lambda: with_cell("name", "Møde med " + ctx.cpr(), "CPR in text", ["name", "facts.name"], "validate")),
            (1, lambda: with_cell("name", "To\nlinjer", "newline in text", ["name", "facts.name"], "validate")),
            (1, lambda: with_cell("name", "x" * rng.randint(201, 3000), "text too long", ["name", "facts.name"],
                                  "validate")),
        ]
    weights, makers = zip(*choices)
    return rng.choices(makers, weights=weights)[0]()


def invalid_utf8_csv(rng, cells):
    data = bytearray(",".join(cells).encode("utf-8"))
    position = rng.randrange(len(data))
    data[position:position] = rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80"])
    return bad(bytes(data), "invalid UTF-8", None, "parse")


def bad_csv_header(ctx, type_):
    rng = ctx.rng
    columns = list(CSV_TYPES[type_])
    choice = rng.randrange(4)
    if choice == 0:
        name = rng.choice(["comment", "Effective", "navn", "seq"])
        columns.insert(rng.randrange(len(columns) + 1), name)
        return bad(",".join(columns), "unknown column", [name], "header"), len(columns)
    if choice == 1:
        name = rng.choice(columns)
        columns.append(name)
        return bad(",".join(columns), "column named twice", [name], "header"), len(columns)
    if choice == 2:
        columns.insert(rng.randrange(len(columns) + 1), "")
        return bad(",".join(columns), "empty header cell", None, "header"), len(columns)
    name = ctx.cpr()
    columns.append(name)
    return bad(",".join(columns), "CPR as a column name", None, "header"), len(columns)


# MARK: the campaign

class BadInputCampaign:
    def __init__(self, binary, report, scratch, lines, batch_lines):
        self.binary = binary
        self.report = report
        self.scratch = scratch
        self.lines_total = lines
        self.batch_lines = batch_lines
        self.ledger = scratch / "ledger"
        self.rng = random.Random(f"badinput-{report.seed}")
        self.ctx = Context(self.rng)
        self.stats = dict(invocations=0, append_invocations=0, import_invocations=0, single=0, lines=0, bad_lines=0,
                          huge=0, cpr_lines=0, exit1=0, exit2=0, verifies=0)
        self.kinds = {}
        self.first_failures = {}

    def setup(self):
        self.binary.init_ledger(self.ledger)
        events = []
        for number in range(40):
            citizen = inputs.pseudonym(self.rng, 0xA, number)
            self.ctx.registered.append(citizen)
            events.append(inputs.event("citizen_registered", "2013-01-02", "183", citizen,
                                       {"birth_date": "1985-03-04", "education": "none"}))
            if number < 20:
                events.append(inputs.event("benefit_started", "2013-02-01", "183", citizen, {"benefit": "a-dagpenge"}))
                self.ctx.open_benefit.append(citizen)
            else:
                self.ctx.no_periods.append(citizen)
        lines = [inputs.line(e) for e in events]
        for _ in range(5):
            number = self.ctx.cpr()
            self.ctx.cpr_registered.append(number)
            lines.append(json.dumps({"type": "citizen_registered", "effective": "2013-01-02", "municipality": "187",
                                     "cpr": number, "facts": {"birth_date": "1970-01-01", "education": "higher"}}))
        lines.append(inputs.line(inputs.event("job_order_received", "2014-01-10", "183", None,
                                              {"order_id": "JO-1", "employer_cvr": "12345678", "positions": 3})))
        result = self.binary.run(["append", self.ledger], ("\n".join(lines) + "\n").encode("utf-8"))
        if result.status != 0:
            raise CampaignError(f"setup append failed: {result.describe()}")
        self.head_bytes = (self.ledger / "head").read_bytes()
        self.segment_bytes = (self.ledger / "events" / "segment-000001.jsonl").read_bytes()
        self.head_summary = self.verify_head()
        if self.head_summary is None:
            raise CampaignError("the setup ledger does not verify")

    def verify_head(self):
        result, summary = self.binary.verify(self.ledger)
        self.stats["verifies"] += 1
        if result.status != 0 or not summary:
            return None
        return summary["head_seq"], summary["head_hash"], summary["tail"]

    def restore(self):
        (self.ledger / "head").write_bytes(self.head_bytes)
        (self.ledger / "events" / "segment-000001.jsonl").write_bytes(self.segment_bytes)

    def fail(self, kind, message):
        self.report.fail(kind, message)

    # MARK: batches

    def json_batch(self, single):
        rng = self.rng
        if single:
            lines = [bad_json(self.ctx)]
        else:
            count = rng.randint(2, self.batch_lines)
            first_bad = rng.choice([1, count, rng.randint(1, count)])
            lines = []
            for number in range(1, count + 1):
                if number == first_bad or (number > first_bad and rng.random() < 0.3):
                    lines.append(bad_json(self.ctx))
                elif rng.random() < 0.03:
                    lines.append(Line(rng.choice(["", "   ", "\t"])))  # blank lines are skipped but counted
                else:
                    lines.append(Line(json_line(valid_json(self.ctx))))
        ending = b"\r\n" if rng.random() < 0.1 else b"\n"
        data = ending.join(line.data for line in lines) + (ending if rng.random() < 0.9 else b"")
        return data, lines, ["append", self.ledger], "standard input"

    def csv_batch(self, single):
        rng = self.rng
        type_ = rng.choice(list(CSV_TYPES))
        header = Line(",".join(CSV_TYPES[type_]))
        if not single and rng.random() < 0.05:
            header, _ = bad_csv_header(self.ctx, type_)
        rows = [header]
        count = 1 if single else rng.randint(1, self.batch_lines)
        first_bad = 1 if single else rng.choice([1, count, rng.randint(1, count)])
        for number in range(1, count + 1):
            if number == first_bad or (number > first_bad and rng.random() < 0.3):
                rows.append(bad_csv_row(self.ctx, type_))
            else:
                rows.append(Line(valid_csv_row(self.ctx, type_)))
        ending = b"\r\n" if rng.random() < 0.1 else b"\n"
        data = ending.join(row.data for row in rows) + ending
        path = self.scratch / f"import-{self.stats['invocations'] % 2}.csv"
        path.write_bytes(data)
        # Physical line numbers: a row may span lines (a quoted cell with a newline).
        line = 1
        for row in rows:
            row.number = line
            line += 1 + row.data.count(b"\n")
        return data, rows, ["import", self.ledger, path, "--type", type_], str(path)

    # MARK: checks

    def invoke(self, single, use_csv):
        data, lines, args, source = self.csv_batch(single) if use_csv else self.json_batch(single)
        if not use_csv:
            for number, line in enumerate(lines, start=1):
                line.number = number
        first = next(line for line in lines if line.bad)
        self.stats["invocations"] += 1
        self.stats["import_invocations" if use_csv else "append_invocations"] += 1
        self.stats["single"] += 1 if single else 0
        self.stats["lines"] += len(lines)
        self.stats["bad_lines"] += sum(1 for line in lines if line.bad)
        self.stats["huge"] += sum(1 for line in lines if len(line.data) > 65_536)
        self.stats["cpr_lines"] += sum(1 for line in lines if line.bad and "CPR" in line.kind)
        self.kinds[first.kind] = self.kinds.get(first.kind, 0) + 1
        result = self.binary.run(args, data if not use_csv else b"")
        context = (f"invocation {self.stats['invocations']} ({'import --type ' + args[4] if use_csv else 'append'}, "
                   f"{len(lines)} lines, first bad line {first.number}: {first.kind}, {first.data[:120]!r})")

        if result.timed_out:
            self.fail("hang", f"{context}: {result.describe()}")
        elif result.signal is not None:
            self.fail("crash", f"{context}: {result.describe()}")
        elif result.status == 0:
            self.fail("bad input accepted", f"{context}: exit 0: {result.describe()}")
        elif result.status not in (1, 2):
            self.fail("exit status", f"{context}: exit {result.status}, expected 1 or 2: {result.describe()}")
        else:
            self.stats["exit1" if result.status == 1 else "exit2"] += 1
            self.check_message(context, result, first, lines, source)

        leaks = cpr_shapes_in(result.stdout + "\n" + result.stderr)
        if leaks:
            self.fail("CPR in output", f"{context}: {len(leaks)} CPR-shaped string(s) in the output "
                                       f"(not shown here); stderr has {len(result.stderr)} characters")

        unchanged = ((self.ledger / "head").read_bytes() == self.head_bytes
                     and (self.ledger / "events" / "segment-000001.jsonl").read_bytes() == self.segment_bytes
                     and sorted(p.name for p in (self.ledger / "events").iterdir()) == ["segment-000001.jsonl"])
        if not unchanged:
            self.fail("partial write", f"{context}: the ledger's head or segment changed")
            self.restore()
        if self.stats["invocations"] % VERIFY_EVERY_INVOCATIONS == 0:
            self.check_verify(context)

    def check_message(self, context, result, first, lines, source):
        import re
        text = result.stderr
        match = re.search(re.escape(source) + " " + MESSAGE, text)
        if not match:
            self.fail("no line named", f"{context}: the message does not name `{source} line N`: {text.strip()[:300]!r}")
            return
        named_line = int(match.group(1))
        field = match.group(2)
        if named_line != first.number:
            named = next((line for line in lines if line.number == named_line), None)
            if named is not None and named.bad:
                self.fail("a later bad line named",
                          f"{context}: the message names line {named_line} ({named.kind}, a check of the {named.phase} "
                          f"step), not line {first.number}, the first bad one ({first.kind}, a check of the "
                          f"{first.phase} step): {text.strip()[:240]!r}")
            else:
                before = [line for line in lines if line.bad and line.number < named_line]
                nearest = f" (the nearest bad line before it: line {before[-1].number}, {before[-1].kind})" if before else ""
                self.fail("a valid line named",
                          f"{context}: the message names line {named_line}, a valid line{nearest}, not line "
                          f"{first.number}, the first bad one ({first.kind}, a check of the {first.phase} step): "
                          f"{text.strip()[:240]!r}")
            return
        if first.fields is not None and field not in first.fields:
            self.fail("wrong or no field", f"{context}: expected field {' or '.join(sorted(first.fields))}, the message "
                                           f"names {field!r}: {text.strip()[:240]!r}")

    def check_verify(self, context):
        state = self.verify_head()
        self.report.check(state == self.head_summary, "partial write",
                          lambda: f"after {context}: verify --json gives head {state}, expected {self.head_summary}")

    def run(self):
        self.setup()
        while self.stats["lines"] < self.lines_total:
            number = self.stats["invocations"]
            single = number % 3 == 2
            use_csv = self.rng.random() < 0.35
            self.invoke(single, use_csv)
            if number and number % 200 == 0:
                self.report.say(f"... {number} invocations, {self.stats['lines']} lines")
        self.check_verify("the last invocation")


def run(binary_path, lines, batch_lines, seed, keep, timeout):
    report = Report("badinput", seed)
    binary = Binary(binary_path, timeout)
    scratch = Scratch("badinput", keep)
    report.say(f"{lines} input lines, batches of up to {batch_lines} lines (one invocation in three a single bad line), "
               f"append (JSON Lines) and import (CSV); binary {display_path(binary_path)}")
    campaign = BadInputCampaign(binary, report, scratch, lines, batch_lines)
    try:
        campaign.run()
    except CampaignError as error:
        report.fail("campaign", str(error))
    s = campaign.stats
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(campaign.kinds.items(), key=lambda kv: -kv[1]))
    report.say(f"tried: {s['invocations']} invocations ({s['append_invocations']} append, {s['import_invocations']} "
               f"import, {s['single']} single-line), {s['lines']} lines, {s['bad_lines']} bad ({s['cpr_lines']} with a "
               f"CPR-shaped string, {s['huge']} longer than 64 KiB)")
    report.say(f"first bad lines by kind: {kinds}")
    crashes = report.failure_kinds.get("crash", 0) + report.failure_kinds.get("hang", 0)
    partial = report.failure_kinds.get("partial write", 0)
    named = s["invocations"] - sum(report.failure_kinds.get(k, 0) for k in (
        "no line named", "a later bad line named", "a valid line named", "wrong or no field", "crash", "hang", "bad input accepted"))
    leaks = report.failure_kinds.get("CPR in output", 0)
    report.say(f"held: exit 1 in {s['exit1']}, exit 2 in {s['exit2']}; {crashes} crashes or hangs; {partial} partial "
               f"writes (head compared after every invocation, verify --json every {VERIFY_EVERY_INVOCATIONS}); "
               f"{named} of {s['invocations']} named the first bad line and its field; {leaks} with a CPR-shaped string "
               f"in the output")
    code = report.finish(f"badinput: {s['lines']} lines in {s['invocations']} invocations, {crashes} crashes, "
                         f"{partial} partial writes, {named} of {s['invocations']} named the first bad line and field, "
                         f"{leaks} CPR leaks")
    scratch.close(report)
    return code
