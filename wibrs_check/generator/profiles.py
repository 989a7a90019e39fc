"""What a clean, realistic incident of each offense looks like.

One row per Group A offense: the victim type, location, weapon, criminal activity, property
and person details that make an incident of that offense pass every FBI edit. The generator
reads this table; it holds no per-offense code paths.
"""

from __future__ import annotations

# Property entries: (loss type, description, value, recovered) - value is dollars.
P = tuple[str, str, int, bool]

# victim: I person, S society, B business; person_details: relationship and injury apply.
PROFILES: dict[str, dict] = {
    "09A": dict(victim="I", location="20", weapon="12", circumstance="01", relationship="AQ"),
    "09B": dict(victim="I", location="13", weapon="12", circumstance="34", relationship="AQ"),
    "09C": dict(victim="I", location="20", weapon="12", circumstance="20", justifiable="A", relationship="ST", offender_arrest=False),
    "100": dict(victim="I", location="20", weapon="40", injury="N", relationship="AQ", property=[("1", "", 0, False)]),
    "11A": dict(victim="I", location="20", weapon="40", injury="N", relationship="AQ", victim_sex="F"),
    "11B": dict(victim="I", location="20", weapon="40", injury="N", relationship="AQ"),
    "11C": dict(victim="I", location="20", weapon="40", injury="N", relationship="AQ", victim_sex="F"),
    "11D": dict(victim="I", location="20", weapon="40", injury="N", relationship="AQ"),
    "36A": dict(victim="I", location="20", relationship="SB", victim_age="16"),
    "36B": dict(victim="I", location="20", relationship="AQ", victim_age="15", offender_age="22"),
    "13A": dict(victim="I", location="13", weapon="20", circumstance="01", injury="I", relationship="AQ"),
    "13B": dict(victim="I", location="20", weapon="40", injury="M", relationship="BG"),
    "13C": dict(victim="I", location="20", relationship="NE"),
    "64A": dict(victim="I", location="14", weapon="40", injury="N", relationship="ST", victim_age="16", victim_sex="F"),
    "64B": dict(victim="I", location="05", weapon="40", injury="N", relationship="OK"),
    "120": dict(victim="I", location="07", weapon="12", injury="N", relationship="ST", cargo=True, property=[("7", "20", 240, False)]),
    "200": dict(victim="B", location="05", property=[("2", "31", 85000, False)]),
    "210": dict(victim="I", location="20", weapon="99", injury="N", cargo=True, property=[("7", "20", 1500, False)]),
    "220": dict(victim="I", location="20", entry="F", cargo=True, property=[("7", "26", 650, False)]),
    "23A": dict(victim="I", location="13", property=[("7", "25", 120, False)]),
    "23B": dict(victim="I", location="13", property=[("7", "25", 80, False)]),
    "23C": dict(victim="B", location="08", property=[("7", "19", 45, False)]),
    "23D": dict(victim="B", location="05", cargo=True, property=[("7", "23", 900, False)]),
    "23E": dict(victim="B", location="07", property=[("7", "20", 35, False)]),
    "23F": dict(victim="I", location="18", cargo=True, property=[("7", "75", 300, False)]),
    "23G": dict(victim="I", location="18", property=[("7", "38", 400, False)]),
    "23H": dict(victim="I", location="20", cargo=True, property=[("7", "04", 350, False)]),
    "240": dict(victim="I", location="18", cargo=True, property=[("7", "03", 12000, False), ("5", "03", 9000, True)]),
    "250": dict(victim="B", location="07", activity="P", property=[("3", "20", 100, False)]),
    "26A": dict(victim="I", location="20", cargo=True, property=[("7", "20", 2500, False)]),
    "26B": dict(victim="I", location="20", cargo=True, property=[("7", "20", 700, False)]),
    "26C": dict(victim="I", location="20", cargo=True, property=[("7", "20", 300, False)]),
    "26D": dict(victim="G", location="05", property=[("7", "20", 4200, False)]),
    "26E": dict(victim="I", location="20", cargo=True, property=[("7", "20", 5200, False)]),
    "26F": dict(victim="I", location="20", cargo=True, property=[("7", "20", 1800, False)]),
    "26G": dict(victim="B", location="58", cargo=True, property=[("7", "20", 9000, False)]),
    "270": dict(victim="B", location="05", cargo=True, property=[("7", "20", 3100, False)]),
    "280": dict(victim="B", location="20", activity="B", property=[("5", "13", 450, True)]),
    "290": dict(victim="I", location="20", property=[("4", "29", 750, False)]),
    "35A": dict(victim="S", location="13", activity="P", property=[("6", "10", 0, False)], drug=("E", "28.5", "GM")),
    "35B": dict(victim="S", location="13", activity="P", property=[("6", "11", 15, False)]),
    "39A": dict(victim="S", location="20", property=[("6", "20", 300, False)]),
    "39B": dict(victim="S", location="03", property=[("6", "20", 1200, False)]),
    "39C": dict(victim="S", location="03", activity="P", property=[("6", "14", 2000, False)]),
    "39D": dict(victim="S", location="54", property=[("6", "20", 500, False)]),
    "370": dict(victim="S", location="20", activity="D"),
    "40A": dict(victim="S", location="14"),
    "40B": dict(victim="S", location="14"),
    "40C": dict(victim="S", location="13"),
    "510": dict(victim="G", location="05", cargo=True, property=[("7", "20", 1000, False)]),
    "520": dict(victim="S", location="13", activity="P", weapon="12"),
    "720": dict(victim="S", location="20", activity="A"),
}

GROUP_B_OFFENSES = ("90A", "90B", "90C", "90D", "90E", "90F", "90G", "90H", "90J", "90Z")
