"""What generated demo data says: names, places, task titles, messages and reviews."""

from dataclasses import dataclass

FIRST_NAMES = (
    "Olivia Amelia Isla Ava Mia Ivy Lily Freya Grace Sophia Priya Aisha Fatima Zara Chloe "
    "Ellie Hannah Megan Niamh Siobhan Noah Oliver George Arthur Leo Harry Oscar Jack "
    "Muhammad Tomasz Kwame Daniel Samuel Rhys Callum Ewan Aiden Luca Kai Tariq"
).split()
LAST_NAMES = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Wright Robinson Thompson "
    "Evans Walker White Roberts Green Hall Wood Jackson Clarke Hughes Khan Ahmed Nowak "
    "Mensah Murphy O'Neill Campbell Stewart MacDonald Kaur Singh Lewis Morgan Price"
).split()
CITIES = {  # city: (weight, outcodes)
    "London": (30, ("E8", "E17", "N1", "N16", "NW5", "SE15", "SW9", "W12")),
    "Manchester": (12, ("M1", "M14", "M20", "M21")),
    "Birmingham": (10, ("B1", "B13", "B29")),
    "Leeds": (8, ("LS1", "LS6", "LS8")),
    "Glasgow": (8, ("G1", "G12", "G41")),
    "Bristol": (7, ("BS1", "BS6", "BS7")),
    "Edinburgh": (7, ("EH1", "EH6", "EH10")),
    "Cardiff": (6, ("CF10", "CF14", "CF24")),
    "Penarth": (1, ("CF64",)),
    "Barry": (1, ("CF62", "CF63")),
    "Liverpool": (6, ("L1", "L8", "L17")),
    "Newcastle": (5, ("NE1", "NE2", "NE6")),
    "Sheffield": (5, ("S1", "S10", "S11")),
    "Nottingham": (5, ("NG1", "NG5", "NG7")),
}
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXY"


@dataclass(frozen=True)
class Work:
    """What tasks in one category look like."""

    weight: int
    budget: tuple[int, int]
    remote: float  # share that can be done remotely
    skills: str
    titles: tuple[str, ...]
    details: tuple[str, ...]


WORK = {
    "cleaning": Work(
        16,
        (40, 260),
        0.0,
        "cleaning, ironing, end-of-tenancy",
        (
            "Deep clean a {n}-bed flat",
            "End-of-tenancy clean, {n}-bed house",
            "Fortnightly clean for a {n}-bed flat",
            "Oven and hob deep clean",
            "Clean the windows inside and out",
        ),
        (
            "Kitchen, bathroom and {n} bedrooms; the oven needs the most work.",
            "The letting agent has a checklist, which I'll send to whoever takes the job.",
            "Products and a hoover are here, but bring your own if you prefer.",
        ),
    ),
    "moving": Work(
        10,
        (60, 400),
        0.0,
        "removals, man with a van, heavy lifting",
        (
            "Help moving {n} rooms of furniture",
            "Move a sofa up to a third-floor flat",
            "Van and two people for a studio move",
            "Carry {n}0 boxes up to the loft",
        ),
        (
            "About {n} miles door to door; there is parking at both ends.",
            "No lift at the new place, so expect stairs.",
            "Everything is packed and labelled; it is just the lifting.",
        ),
    ),
    "handyman": Work(
        15,
        (30, 300),
        0.0,
        "shelves, painting, small repairs",
        (
            "Hang {n} shelves and a mirror",
            "Fix a dripping kitchen tap",
            "Paint a {n}0-metre garden fence",
            "Put up curtain poles in {n} rooms",
            "Repaint a bedroom",
        ),
        (
            "The walls are plaster on brick; the fixings are here.",
            "Paint and brushes are in the shed.",
            "It should take an afternoon for someone who knows what they are doing.",
        ),
    ),
    "delivery": Work(
        10,
        (10, 90),
        0.0,
        "deliveries, collections, van",
        (
            "Collect a parcel from the delivery office",
            "Pick up a second-hand table across town",
            "Take {n} bags of garden waste to the tip",
            "Collect a bike from the repair shop",
        ),
        (
            "It is about {n} miles; I'll pay the parking.",
            "The seller will help load it; ground floor at my end.",
            "I'll send the collection card and my ID by message.",
        ),
    ),
    "furniture-assembly": Work(
        14,
        (30, 180),
        0.0,
        "flat-pack, IKEA, bunk beds",
        (
            "Assemble an IKEA PAX wardrobe",
            "Build a bunk bed for the kids",
            "Assemble a corner desk and a chair",
            "Flat-pack chest of {n} drawers",
        ),
        (
            "All the parts and the instructions are here, still boxed.",
            "It goes in an upstairs bedroom with a sloping ceiling.",
            "Please fix it to the wall; I have the brackets.",
        ),
    ),
    "gardening": Work(
        14,
        (30, 250),
        0.0,
        "gardening, hedges, lawns",
        (
            "Mow the lawn and trim the hedges",
            "Weed and mulch {n} flower beds",
            "Clear autumn leaves",
            "Cut back an overgrown hedge",
            "Plant {n} fruit trees",
        ),
        (
            "The green bin will be empty that week.",
            "There is a mower in the shed, or bring your own.",
            "The garden is about {n}0 metres long, with side access.",
        ),
    ),
    "tech-help": Work(
        12,
        (20, 150),
        0.6,
        "laptops, Wi-Fi, smart home",
        (
            "Set up a new laptop and move my files",
            "Fix slow Wi-Fi upstairs",
            "Set up a smart thermostat",
            "Teach me the basics of my new phone",
            "Build a spreadsheet for household bills",
        ),
        (
            "Happy to do it over a video call if that works.",
            "It is a {n}-year-old Windows laptop and a new MacBook.",
            "I'm not technical, so patience please!",
        ),
    ),
    "other": Work(
        9,
        (10, 120),
        0.5,
        "proofreading, errands, pet sitting",
        (
            "Proofread a CV and cover letter",
            "Translate a one-page letter",
            "Walk a spaniel while I'm at work",
            "Help plan a surprise party for {n}0 people",
        ),
        (
            "Flexible on timing within the week.",
            "It should take about {n} hours.",
            "Please message me first if anything is unclear.",
        ),
    ),
}
CLOSINGS = (
    "Evenings or weekends suit me best.",
    "Parking is free outside.",
    "Please say roughly when you could do it.",
    "Tea and biscuits provided.",
    "",
)
BID_MESSAGES = (
    "I've done plenty of jobs like this and can come {day}.",
    "Available {day}; I bring my own tools and tidy up afterwards.",
    "I can do this {day}. Happy to answer any questions first.",
    "Experienced and insured. {day} works for me.",
    "I live nearby and could fit it in {day}.",
)
DAYS = ("this weekend", "on Monday", "tomorrow evening", "on Thursday", "next week")
CUSTOMER_LINES = (
    "Hi, thanks for your bid. Could you come a little earlier?",
    "Great, the parking permit is on the table by the door.",
    "Do you need me to be there, or can I leave a key with a neighbour?",
    "Thanks! See you then.",
    "Could you bring a ladder as well?",
)
TASKER_LINES = (
    "Hi! Quick question before I start: is there parking nearby?",
    "No problem at all, I'll bring everything I need.",
    "I'm running about ten minutes late, sorry.",
    "All done, have a look and let me know if anything needs changing.",
    "Would Saturday morning suit you?",
)
CUSTOMER_REVIEWS = {
    5: ("Brilliant job, quick and tidy.", "Friendly, careful and on time. Highly recommended."),
    4: ("Good work; arrived a bit late.", "Did a solid job and cleaned up afterwards."),
    3: ("Fine, but it took longer than promised.", "OK in the end after a second visit."),
    2: ("Left a mess and did not finish everything.",),
    1: ("Did not turn up on the agreed day.",),
}
TASKER_REVIEWS = {
    5: ("Clear instructions and paid promptly.", "Lovely to work for, would help again."),
    4: ("Friendly; the job was bigger than described.",),
    3: ("Fine, but changed the plan on the day.",),
    2: ("Hard to reach on the day.",),
    1: ("Not at home at the agreed time.",),
}
CANCEL_REASONS = (
    "Plans changed and we no longer need this.",
    "I'm ill and can't do it this week, sorry.",
    "We found the job was much bigger than described.",
    "The tasker could not make any of the dates I need.",
)
