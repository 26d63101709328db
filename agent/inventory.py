"""A per-dealership snapshot of the inventory and its vocabulary, rebuilt only when the
inventory changes (checked each time with one cheap query)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from agent.nlu.vehicles import InventoryVocabulary
from crm_store import vehicles
from crm_store.db import Store
from crm_store.records import VehicleRecord


@dataclass(frozen=True)
class Snapshot:
    version: tuple[int, str]
    vehicles: tuple[VehicleRecord, ...]
    vocabulary: InventoryVocabulary


class InventoryCache:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._snapshots: dict[int, Snapshot] = {}

    def get(self, dealership_id: int) -> Snapshot:
        with self._store.reading() as uow:
            version = vehicles.inventory_version(uow, dealership_id=dealership_id)
            cached = self._snapshots.get(dealership_id)
            if cached is not None and cached.version == version:
                return cached
            every = tuple(vehicles.list_vehicles(uow, dealership_id=dealership_id))
        snapshot = Snapshot(version, every, InventoryVocabulary.from_vehicles(every))
        with self._lock:
            self._snapshots[dealership_id] = snapshot
        return snapshot
