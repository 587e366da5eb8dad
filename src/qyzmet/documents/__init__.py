"""Result documents and receipts as PDF (WeasyPrint) with a QR code of their public verification page."""
