mod cli;
mod common;
mod memo;
mod seed;
mod workbook;
