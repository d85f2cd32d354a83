"""TF1 tensor bundles: SSTable, bundle protobufs, crc32c, reader, writer, slot names, optimizer states, save."""
