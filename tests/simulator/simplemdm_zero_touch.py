"""Zero touch: a SimpleMDM DEP sync brings in the devices that Apple Business Manager assigned
to SimpleMDM, on the `vendor` of simplemdm.py.

SimpleMDM DEP server 1 ("My DEP MDM Server") is the simulated organisation's ABM device
management service named "SimpleMDM" (its link token).  `POST /dep_servers/1/sync` (reference
"Sync DEP Server": 202, no body; simplemdm_devices.py keeps its answer and last_synced_at) also
creates, for every ABM device assigned to that service whose serial number SimpleMDM does not
know yet, a device record "awaiting enrollment" (as SimpleMDM lists DEP devices before they
enroll): the serial number, the model, `dep_assigned` true, named after the serial number and
put in the first device group.  They show with `include_awaiting_enrollment=true`, can be moved
between groups, and a later sync adds nothing twice.  Devices ABM unassigns stay (SimpleMDM
keeps a record until it is deleted).
"""

from . import fleet_simplemdm as generated
from .simplemdm import vendor
from .simplemdm_devices import ops

ABM_SERVER_NAME = "SimpleMDM"
DEP_SERVER_ID = 1
SYNC_ROUTE = ("POST", "/dep_servers/{id}/sync")


def abm_devices_for_simplemdm(request):
    """Serial and ABM record of each org device assigned to the ABM service named SimpleMDM."""
    abm = request.app.states.get("abm")
    if abm is None:
        return []
    server_ids = [s["id"] for s in abm.servers.records(abm.servers.ids())
                  if s["attributes"].get("serverName") == ABM_SERVER_NAME]
    if not server_ids:
        return []
    devices = abm.devices  # settles finished activities first
    return [(serial, devices.get(serial)) for serial in devices.ids() if abm.server_of(serial) in server_ids]


def import_dep_devices(request):
    state = request.state
    known = set()
    for device_id in state.devices.ids():
        serial = (state.devices.get(device_id).get("attributes") or {}).get("serial_number")
        if serial:
            known.add(serial.upper())
    extra = ops(request)
    for serial, record in abm_devices_for_simplemdm(request):
        if serial.upper() in known:
            continue
        while extra.next_device_id in state.devices:
            extra.next_device_id += 1
        device_id = extra.next_device_id
        extra.next_device_id += 1
        attributes = generated.awaiting_attributes(state.fleet, device_id, serial)
        model = (record.get("attributes") or {}).get("deviceModel")
        attributes.update({"serial_number": serial, "model_name": model or "Unknown",
                           "dep_enrolled": False, "dep_assigned": True, "is_dep_enrollment": True})
        state.devices.put({"type": "device", "id": device_id, "attributes": attributes, "relationships": {
            "device_group": {"data": {"type": "device_group", "id": generated.DEVICE_GROUPS[0][0]}},
            "custom_attribute_values": {"data": []}}})
        known.add(serial.upper())


def wrap_sync():
    for position, (method, template, handler, mounted, auth) in enumerate(vendor.routes):
        if (method, template) == SYNC_ROUTE:
            def sync_and_import(request, _original=handler):
                response = _original(request)  # 404 for an unknown server, before anything changes
                if request.params.get("id") == str(DEP_SERVER_ID):
                    import_dep_devices(request)
                return response
            vendor.routes[position] = (method, template, sync_and_import, mounted, auth)
            return
    raise RuntimeError("simplemdm_devices.py registers no DEP sync route")


wrap_sync()
