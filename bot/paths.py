"""Well-known locations in the project tree, independent of the working directory."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var"
CONTENT_SEED_DIR = ROOT / "data" / "content"
SPACY_MODEL_DIR = VAR_DIR / "spacy_sv"
MODEL_DIR = ROOT / "models"
RESULTS_DIR = ROOT / "results"
MIGRATIONS_DIR = ROOT / "bot" / "db" / "migrations"
