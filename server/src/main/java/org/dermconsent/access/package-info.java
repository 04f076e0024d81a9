/**
 * The access a request established (purpose, requester, client), carried where the client cannot
 * write it: into work the server does later on the request's behalf, such as a bulk export job.
 */
package org.dermconsent.access;
