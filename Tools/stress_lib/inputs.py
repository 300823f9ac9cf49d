"""Valid input events (JSON Lines for `caseledger append`, FORMAT.md section 7) built by hand.

Citizens are given as pseudonyms (`c-` and 16 hex digits), so the stored content is known exactly
and no CPR number is involved.
"""
import json

MUNICIPALITIES = ("183", "187")
BENEFITS = ("a-dagpenge", "kontanthjaelp", "uddannelseshjaelp", "sygedagpenge", "ledighedsydelse")
CATEGORIES = ("jobparat", "aktivitetsparat", "uddannelsesparat", "aabenlyst-uddannelsesparat")
ACTIVATION_KINDS = ("virksomhedspraktik", "nytteindsats", "mentor", "vejledning-opkvalificering", "jobrotation")


def event(type_, effective, municipality=None, citizen=None, facts=None):
    """An input event as a dict (key order as FORMAT.md shows it)."""
    return {"type": type_, "effective": effective, "municipality": municipality, "citizen": citizen,
            "facts": facts or {}}


def line(value):
    """One JSON line (no newline) of an input event."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def jsonl(events):
    """A whole JSON Lines input as bytes."""
    return ("".join(line(e) + "\n" for e in events)).encode("utf-8")


def pseudonym(rng, tag, counter):
    """A pseudonym unique for (tag, counter): tag in the first hex digits, counter in the last eight."""
    return "c-%x%07x%08x" % (tag & 0xF, rng.getrandbits(28), counter & 0xFFFFFFFF)


def citizen_block(rng, citizen, activity_id):
    """The four events of a new citizen: registered, a benefit, a match category and an activation.
    Valid in any batch and in any order relative to other citizens' blocks."""
    municipality = rng.choice(MUNICIPALITIES)
    birth = "%04d-%02d-%02d" % (rng.randint(1955, 1995), rng.randint(1, 12), rng.randint(1, 28))
    return [
        event("citizen_registered", "2013-01-%02d" % rng.randint(2, 28), municipality, citizen,
              {"birth_date": birth, "education": rng.choice(["none", "vocational", "higher"])}),
        event("benefit_started", "2013-02-%02d" % rng.randint(1, 28), municipality, citizen,
              {"benefit": rng.choice(BENEFITS), "weekly_hours": rng.randint(1, 37)}),
        event("match_assessed", "2013-03-%02d" % rng.randint(1, 28), municipality, citizen,
              {"category": rng.choice(CATEGORIES)}),
        event("activation_started", "2013-04-%02d" % rng.randint(1, 28), municipality, citizen,
              {"activity_id": activity_id, "kind": rng.choice(ACTIVATION_KINDS), "provider": "jobcenter",
               "weekly_minutes": rng.randint(60, 2400)}),
    ]


def paid_hours(citizen, municipality, counter):
    """Paid hours for an already registered citizen; (month, hours) follows `counter` one to one,
    so the event's content is unique for each counter value below 26,784."""
    month = "%04d-%02d" % (2012 + (counter % 36) // 12, 1 + counter % 12)
    hours = 1 + (counter // 36) % 744
    return event("paid_hours_registered", month + "-28", municipality, citizen, {"month": month, "hours": hours})


def company_visit(cvr_number, municipality):
    """A company visit (no citizen): valid anywhere; the CVR number (8 digits) makes it recognisable."""
    return event("company_visited", "2014-02-15", municipality, None, {"cvr": "%08d" % cvr_number})


def survey(satisfied, municipality="183"):
    return event("survey_response", "2014-04-01", municipality, None,
                 {"respondent": "citizen", "satisfied": bool(satisfied)})


def event_held(name, participants, municipality="183"):
    return event("event_held", "2014-03-20", municipality, None, {"name": name, "participants": participants})
