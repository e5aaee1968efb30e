/**
 * A small application run as a cluster on each web server.
 */
package io.clusterboot.it.servers;
