/**
 * A small application run as a cluster on the web servers other than Tomcat.
 */
package io.clusterboot.it.servers;
