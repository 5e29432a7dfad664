"""Partitioned Parquet outputs, atomic commits, run manifests and the data dictionary."""

from deidflow.store.commit import recover_partitions
from deidflow.store.dictionary import TRANSFORM_DESCRIPTIONS, write_data_dictionary
from deidflow.store.layout import (
    internal_partition,
    internal_root,
    manifest_path,
    partner_partition,
    partner_root,
)
from deidflow.store.lock import SourceDayBusyError, source_day_lock
from deidflow.store.manifest import (
    ClassificationRow,
    InputFile,
    Manifest,
    QuarantineOutput,
    ReconciliationError,
    TierOutput,
    classification_rows,
    hash_input_file,
    read_manifest,
    write_manifest,
)
from deidflow.store.metadata import annotate_schema, field_annotations, file_annotations
from deidflow.store.partition import (
    PartitionResult,
    PartitionWriteError,
    PartitionWriter,
    write_partition,
)

__all__ = [
    "TRANSFORM_DESCRIPTIONS",
    "ClassificationRow",
    "InputFile",
    "Manifest",
    "PartitionResult",
    "PartitionWriteError",
    "PartitionWriter",
    "QuarantineOutput",
    "ReconciliationError",
    "SourceDayBusyError",
    "TierOutput",
    "annotate_schema",
    "classification_rows",
    "field_annotations",
    "file_annotations",
    "hash_input_file",
    "internal_partition",
    "internal_root",
    "manifest_path",
    "partner_partition",
    "partner_root",
    "read_manifest",
    "recover_partitions",
    "source_day_lock",
    "write_data_dictionary",
    "write_manifest",
    "write_partition",
]
