//! odoo-mock (in progress)
