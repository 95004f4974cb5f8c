/**
 * Feedback on logged predictions: the actual label or value that became known later and business
 * outcomes such as conversion or revenue, each with its own time; and the deployment names that
 * applications serving models elsewhere log their predictions under.
 */
package dev.tend.feedback;
