/** Descriptions of datasets (files, folders, globs, JDBC queries) and the errors of tend-data. */
package dev.tend.source;
