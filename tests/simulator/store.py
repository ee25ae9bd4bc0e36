"""`Table`: one vendor collection, generated on demand plus in-memory changes.

A fleet of 100,000 devices per vendor is never materialised: a record is rebuilt from its
index by `make(index)` each time it is read.  Only changed, created and deleted records are
held, so `reset` (a new Table) restores the generated state.  Selections (the ids matching a
filter) are cached until the next change, so paging a filtered list costs one scan.
"""

import copy

SELECTION_CACHE_SIZE = 16


class Table:
    def __init__(self, size, id_of, make, id_field="id"):
        self.size = size
        self._id_of = id_of  # index -> id
        self._make = make  # index -> record
        self._id_field = id_field
        self._changed = {}  # id -> full record replacing the generated one
        self._created = {}  # id -> record, in creation order
        self._deleted = set()
        self._index = None  # id -> index, built on first lookup
        self._selections = {}  # key -> ids, valid until the next change
        self._ids = None
        self.version = 0  # changes with every write, for callers' caches

    @classmethod
    def of(cls, records, id_field="id"):
        """A small fixed collection (groups, servers, definitions)."""
        records = list(records)
        return cls(len(records), lambda i: records[i][id_field], lambda i: copy.deepcopy(records[i]), id_field)

    def _touch(self):
        self.version += 1
        self._selections = {}
        self._ids = None

    def index_of(self, record_id):
        """The generation index of a generated id (even if changed), else None."""
        if self._index is None:
            self._index = {self._id_of(i): i for i in range(self.size)}
        return self._index.get(record_id)

    def untouched_index(self, record_id):
        """The index when the record is exactly as generated: cheap traits apply to it."""
        if record_id in self._changed or record_id in self._deleted:
            return None
        return self.index_of(record_id)

    def get(self, record_id):
        """A copy of the record, or None."""
        if record_id in self._deleted:
            return None
        if record_id in self._changed:
            return copy.deepcopy(self._changed[record_id])
        if record_id in self._created:
            return copy.deepcopy(self._created[record_id])
        index = self.index_of(record_id)
        return None if index is None else self._make(index)

    def __contains__(self, record_id):
        return record_id not in self._deleted and (
            record_id in self._created or self.index_of(record_id) is not None)

    def put(self, record):
        """Create or replace a record (keyed by its id field)."""
        record_id = record[self._id_field]
        self._deleted.discard(record_id)
        if self.index_of(record_id) is None:
            self._created[record_id] = copy.deepcopy(record)
        else:
            self._changed[record_id] = copy.deepcopy(record)
        self._touch()
        return record

    def delete(self, record_id):
        if record_id not in self:
            return False
        self._created.pop(record_id, None)
        self._changed.pop(record_id, None)
        if self.index_of(record_id) is not None:
            self._deleted.add(record_id)
        self._touch()
        return True

    def replace_all(self, records):
        """Drop every generated record and keep exactly `records`."""
        self.size = 0
        self._index = None
        self._changed, self._created, self._deleted = {}, {}, set()
        for record in records:
            self.put(record)

    def load(self, items, replace=False):
        """Fixture loading: replace the collection, or deep-merge each item into the record
        with the same id (adding it when there is none)."""
        if replace:
            self.replace_all(items)
            return
        for item in items:
            existing = self.get(item[self._id_field])
            self.put(deep_merge(existing, item) if existing else item)

    def ids(self):
        """Every live id: generated ones in index order, then created ones."""
        if self._ids is None:
            generated = (self._id_of(i) for i in range(self.size))
            self._ids = [i for i in generated if i not in self._deleted] + list(self._created)
        return self._ids

    def records(self, ids):
        return [self.get(record_id) for record_id in ids]

    def select(self, key, predicate=None, sort_key=None):
        """The ids for which predicate(id) is true, cached under `key` until the next change."""
        if key not in self._selections:
            if len(self._selections) >= SELECTION_CACHE_SIZE:
                self._selections.pop(next(iter(self._selections)))
            ids = self.ids() if predicate is None else [i for i in self.ids() if predicate(i)]
            self._selections[key] = sorted(ids, key=sort_key) if sort_key else ids
        return self._selections[key]

    def count(self):
        return len(self.ids())


def deep_merge(base, changes):
    """`base` updated with `changes`, recursing into nested objects (lists are replaced)."""
    merged = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged
