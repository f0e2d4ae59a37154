"""A month played through the services on a copy of the register: the proof of the coverage promise.

`play` runs the month; `register_copy` makes and removes the copy; `draws` is the one seeded stream of
chance; `field` plays the phones, `desk` the supervisors; `report` counts what happened (docs/adr/0008).
"""
