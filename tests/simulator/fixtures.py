"""Deterministic fleet generation shared by every vendor.

`Fleet(size, seed)` describes N devices per vendor.  Every value is a pure function of
(seed, vendor, index), so a record is rebuilt on demand instead of being stored.

The serial pool ties the vendors together so hosts merge by serial number:
    pool serials 0..N-1   are the Apple Business Manager org devices (ABM device i = serial i);
    SimpleMDM device i    has serial i (about 90%), a serial N+i not known to ABM (about 10%),
                          or none when awaiting enrollment (every 50th device);
    Esper device i        is Apple with serial i (about 30%) or Android with its own serial;
    MicroMDM device i     has serial i, except every 61st device which has an empty serial.
Each Apple serial has one hardware profile (family, model, capacity, colour, OS) used by
every vendor that shows it.  Vendor record shapes live in the `fleet_*.py` modules.
"""

import bisect
import itertools
import random
from datetime import datetime, timedelta, timezone

MASK64 = (1 << 64) - 1
SERIAL_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # Apple serials skip I and O
SERIAL_TAIL = len(SERIAL_ALPHABET) ** 5  # distinct tails for the first 45 million pool indexes
EPOCH = datetime(2021, 1, 1, tzinfo=timezone.utc)

# Salts keep each vendor's random stream independent of the others.
SALT_SERIAL, SALT_HARDWARE, SALT_ABM, SALT_SIMPLEMDM, SALT_ESPER, SALT_MICROMDM = range(1, 7)

# family, ABM deviceModel, productType, part number stem, capacities, colours, cellular
APPLE_MODELS = (
    ("iPhone", "iPhone 13", "iPhone14,5", "MLM", ("128GB", "256GB"), ("MIDNIGHT", "STARLIGHT", "BLUE"), True),
    ("iPhone", "iPhone 14", "iPhone14,7", "MPU", ("128GB", "256GB"), ("MIDNIGHT", "PURPLE"), True),
    ("iPhone", "iPhone 15", "iPhone15,4", "MTL", ("128GB", "256GB", "512GB"), ("BLACK", "BLUE", "PINK"), True),
    ("iPhone", "iPhone SE (3rd generation)", "iPhone14,6", "MMX", ("64GB", "128GB"), ("MIDNIGHT", "RED"), True),
    ("iPad", "iPad (9th generation)", "iPad12,1", "MK2", ("64GB", "256GB"), ("SPACE GRAY", "SILVER"), False),
    ("iPad", "iPad Air (5th generation)", "iPad13,17", "MM6", ("64GB", "256GB"), ("SPACE GRAY", "BLUE"), True),
    ("iPad", "iPad Pro 11-inch (4th generation)", "iPad14,3", "MNX", ("128GB", "256GB"), ("SILVER",), False),
    ("Mac", "MacBook Air (M1, 2020)", "MacBookAir10,1", "MGN", ("256GB", "512GB"), ("SPACE GRAY", "GOLD"), False),
    ("Mac", "MacBook Pro (14-inch, 2023)", "Mac14,9", "MPH", ("512GB", "1TB"), ("SPACE GRAY", "SILVER"), False),
    ("Mac", "Mac mini (2023)", "Mac14,3", "MMF", ("256GB", "512GB"), ("SILVER",), False),
    ("AppleTV", "Apple TV 4K (3rd generation)", "AppleTV14,1", "MN8", ("64GB", "128GB"), ("BLACK",), False),
)
MODEL_WEIGHTS = (14, 12, 10, 6, 12, 8, 5, 12, 8, 7, 6)
MODEL_THRESHOLDS = tuple(itertools.accumulate(MODEL_WEIGHTS))
OS_RELEASES = {  # family -> (os name, [(version, build)])
    "iPhone": ("iOS", [("16.7.8", "20H343"), ("17.5.1", "21F90"), ("17.6.1", "21G93"), ("18.1", "22B83")]),
    "iPad": ("iPadOS", [("16.7.8", "20H343"), ("17.5.1", "21F90"), ("17.6.1", "21G93"), ("18.1", "22B83")]),
    "Mac": ("macOS", [("13.6.7", "22G720"), ("14.5", "23F79"), ("14.6.1", "23G93"), ("15.1", "24B83")]),
    "AppleTV": ("tvOS", [("17.5", "21L569"), ("18.1", "22J580")]),
}
FIRST_NAMES = ("Mike", "Sara", "Ashley", "Jordan", "Priya", "Chen", "Lucia", "Omar", "Grace", "Tomas",
               "Aisha", "Noah", "Emma", "Kenji", "Fatima", "Liam", "Zoe", "Ravi", "Hannah", "Mateo")
CARRIERS = (("Verizon", "311", "480"), ("AT&T", "310", "410"), ("T-Mobile", "310", "260"))


def mix(*parts):
    """A 64-bit hash of integers (splitmix64 steps): cheap, stable across runs and platforms."""
    h = 0x9E3779B97F4A7C15
    for part in parts:
        h = (h ^ (part & MASK64)) * 0xBF58476D1CE4E5B9 & MASK64
        h = (h ^ (h >> 31)) * 0x94D049BB133111EB & MASK64
        h ^= h >> 29
    return h


def rng(*parts):
    return random.Random(mix(*parts))


def below(r, n):
    """A random integer in [0, n): much cheaper than Random.randrange, which matters at 100k devices."""
    return int(r.random() * n)


def pick(r, options):
    return options[int(r.random() * len(options))]


SERIAL_PAIRS = [a + b for a in SERIAL_ALPHABET for b in SERIAL_ALPHABET]


def base_n(value, length):
    """`length` base-34 digits of value (serial alphabet), two digits per step for speed."""
    text = ""
    for _pair in range(length // 2):
        value, pair = divmod(value, len(SERIAL_PAIRS))
        text = SERIAL_PAIRS[pair] + text
    if length % 2:
        text = SERIAL_ALPHABET[value % len(SERIAL_ALPHABET)] + text
    return text


def uuid_from(*parts, upper=False):
    """A version-4-shaped UUID derived from the parts."""
    value = (mix(*parts, 0) << 64) | mix(*parts, 1)
    value = (value & ~(0xF << 76)) | (0x4 << 76)  # version 4
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    text = "%032x" % value
    text = "-".join((text[:8], text[8:12], text[12:16], text[16:20], text[20:]))
    return text.upper() if upper else text


def moment(r, start_days=0, span_days=1400):
    """A datetime between EPOCH+start_days and EPOCH+start_days+span_days."""
    return EPOCH + timedelta(days=start_days, seconds=below(r, span_days * 86400),
                             microseconds=below(r, 1000) * 1000)


def later(r, when, max_days):
    """A datetime up to max_days after `when`."""
    return when + timedelta(seconds=below(r, max(1, max_days * 86400)))


def iso_z(when):
    """ABM style: 2025-05-01T03:21:44.685Z"""
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (when.microsecond // 1000)


def mac_address(r):
    text = "%012x" % r.getrandbits(48)
    return ":".join((text[0:2], text[2:4], text[4:6], text[6:8], text[8:10], text[10:12]))


def imei(r):
    return "35%013d" % (r.getrandbits(48) % 10 ** 13)


class AppleHardware:
    """The hardware profile of one Apple serial, identical in every vendor that shows it."""

    def __init__(self, seed, pool_index, serial):
        r = rng(seed, SALT_HARDWARE, pool_index)
        (self.family, self.device_model, self.product_type, stem, capacities, colours,
         cellular) = APPLE_MODELS[bisect.bisect(MODEL_THRESHOLDS, below(r, MODEL_THRESHOLDS[-1]))]
        self.serial = serial
        self.capacity = pick(r, capacities)
        self.color = pick(r, colours)
        self.part_number = "%s%02d%s/A" % (stem, below(r, 100), pick(r, ("LL", "B", "ZP", "D")))
        self.model_number = self.part_number.split("/")[0]
        self.os_name, releases = OS_RELEASES[self.family]
        self.os_version, self.build_version = pick(r, releases)
        self.cellular = cellular and (self.family == "iPhone" or r.random() < 0.5)
        self.imei = imei(r) if self.cellular else None
        self.meid = self.imei[:14] if self.cellular else None
        self.eid = "8904903200%022d" % (r.getrandbits(80) % 10 ** 22) if self.family == "iPhone" else None
        self.wifi_mac = mac_address(r)
        self.bluetooth_mac = mac_address(r)
        self.capacity_gb = float(self.capacity[:-2]) * (1024 if self.capacity.endswith("TB") else 1)
        # Recent iPhones and iPads: chip id + ECID; Macs report a UUID-shaped UDID.
        self.udid = ("0000%d-00%014X" % (pick(r, (8020, 8027, 8030, 8101, 8110, 8120)), r.getrandbits(56))
                     if self.family != "Mac" else uuid_from(seed, SALT_HARDWARE, pool_index, upper=True))


class Fleet:
    """The generated fleet: N devices per vendor, all derived from the seed."""

    def __init__(self, size, seed):
        self.size = size
        self.seed = seed

    # -- shared Apple serial pool --------------------------------------------------------
    def serial(self, pool_index):
        head = base_n(mix(self.seed, SALT_SERIAL, pool_index), 7)
        # The tail is a bijection of the pool index, so serials never collide.
        tail = base_n((pool_index * 7919 + self.seed * 104729) % SERIAL_TAIL, 5)
        return head + tail

    def apple_hardware(self, pool_index):
        return AppleHardware(self.seed, pool_index, self.serial(pool_index))

    def owner_name(self, salt, index):
        return FIRST_NAMES[mix(self.seed, salt, index, 7) % len(FIRST_NAMES)]
