mod browser;
mod cli;
mod common;
mod libreoffice;
mod memo;
mod seed;
mod simulation;
mod workbook;
