"""The state registries (ГБД ФЛ, ГБД ЮЛ, ЕНИС) behind a simulated gateway, as their own HTTP service.

`data` holds the deterministic synthetic records, `registry` the behaviour (checks, signed
answers, remembered message ids, faults), `server` the HTTP endpoints. Run it with
`qyzmet registries serve --port 8100`; tests start `SimulatorServer(...).start()` on a free port.
"""

from qyzmet.gateway.simulator.data import Dataset, dataset_build, dataset_default
from qyzmet.gateway.simulator.registry import Fault, RegistrySimulator
from qyzmet.gateway.simulator.server import SimulatorServer

__all__ = ["Dataset", "Fault", "RegistrySimulator", "SimulatorServer", "dataset_build", "dataset_default"]
